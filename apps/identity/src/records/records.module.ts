import { Module } from '@nestjs/common';
import { RecordsHandlers } from './records.handlers';
import { RecordsRepository } from './records.repository';
import { RecordsService } from './records.service';

@Module({
  controllers: [RecordsHandlers],
  providers: [RecordsRepository, RecordsService],
  exports: [RecordsService],
})
export class RecordsModule {}
