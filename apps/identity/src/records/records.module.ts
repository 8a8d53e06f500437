import { Module } from '@nestjs/common';
import { CustodianshipService } from './custodianship.service';
import { RecordsHandlers } from './records.handlers';
import { RecordsRepository } from './records.repository';
import { RecordsService } from './records.service';

@Module({
  controllers: [RecordsHandlers],
  providers: [RecordsRepository, RecordsService, CustodianshipService],
  exports: [RecordsService],
})
export class RecordsModule {}
