import { Module } from '@nestjs/common';
import { AdminTokenGuard } from './admin-token.guard';
import { ApplicationsController } from './applications.controller';

@Module({
  controllers: [ApplicationsController],
  providers: [AdminTokenGuard],
})
export class AdminModule {}
