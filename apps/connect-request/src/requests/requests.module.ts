import { Module } from '@nestjs/common';
import { AnswerHasher } from '../secrets/answer';
import { RequestsHandlers } from './requests.handlers';
import { RequestsRepository } from './requests.repository';
import { RequestsService } from './requests.service';

@Module({
  controllers: [RequestsHandlers],
  providers: [RequestsRepository, RequestsService, AnswerHasher],
})
export class RequestsModule {}
