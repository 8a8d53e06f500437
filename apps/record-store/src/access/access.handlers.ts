import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { RecordDeniedRequest, type RecordDeniedResponse, RecordStoreCmd } from '@carevault/contracts';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { AccessAudit } from './access-audit';

@Controller()
export class AccessHandlers {
  constructor(
    private readonly audit: AccessAudit,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  /** The gateway refused on its own (e.g. no grant): only the denial is recorded, in one statement. */
  @MessagePattern(RecordStoreCmd.RecordDenied)
  async recordDenied(@Payload() dto: RecordDeniedRequest): Promise<RecordDeniedResponse> {
    const eventId = await this.audit.write(this.dataSource.manager, dto.access, { permission: dto.permission, dataType: dto.dataType, itemId: dto.itemId }, 'denied', dto.reason);
    return { eventId };
  }
}
