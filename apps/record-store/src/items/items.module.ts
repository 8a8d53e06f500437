import { Module } from '@nestjs/common';
import { AccessModule } from '../access/access.module';
import { FhirModule } from '../fhir/fhir.module';
import { ItemsHandlers } from './items.handlers';
import { ItemsRepository } from './items.repository';
import { ItemsService } from './items.service';

@Module({
  imports: [AccessModule, FhirModule],
  controllers: [ItemsHandlers],
  providers: [ItemsRepository, ItemsService],
})
export class ItemsModule {}
