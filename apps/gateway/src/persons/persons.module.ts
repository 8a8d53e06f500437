import { Module } from '@nestjs/common';
import { WebModule } from '../web/web.module';
import { AccountController } from './account.controller';
import { RecordsController } from './records.controller';

@Module({
  imports: [WebModule],
  controllers: [AccountController, RecordsController],
})
export class PersonsModule {}
