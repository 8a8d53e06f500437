import { Module } from '@nestjs/common';
import { AccessAudit } from './access-audit';
import { AccessHandlers } from './access.handlers';

@Module({
  controllers: [AccessHandlers],
  providers: [AccessAudit],
  exports: [AccessAudit],
})
export class AccessModule {}
