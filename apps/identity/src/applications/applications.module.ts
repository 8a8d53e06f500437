import { Module } from '@nestjs/common';
import { ApplicationsHandlers } from './applications.handlers';
import { ApplicationsRepository } from './applications.repository';
import { ApplicationsService } from './applications.service';

@Module({
  controllers: [ApplicationsHandlers],
  providers: [ApplicationsRepository, ApplicationsService],
})
export class ApplicationsModule {}
