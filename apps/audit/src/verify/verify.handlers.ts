import { AuditCmd, VerifyAuditRequest, type VerifyAuditResponse } from '@carevault/contracts';
import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { type Sql, verifyChains } from './verify';

@Controller()
export class VerifyHandlers {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** For the operator endpoint: one record's chain, or all of them (large trails: `npm run audit:verify`). */
  @MessagePattern(AuditCmd.Verify)
  async verify(@Payload() req: VerifyAuditRequest): Promise<VerifyAuditResponse> {
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    try {
      const sql: Sql = (text, params) => runner.query(text, params);
      return await verifyChains(sql, { recordId: req.recordId });
    } finally {
      await runner.release();
    }
  }
}
