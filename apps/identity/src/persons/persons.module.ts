import { Module } from '@nestjs/common';
import { RecordsModule } from '../records/records.module';
import { SessionsModule } from '../sessions/sessions.module';
import { PasswordHasher } from './password-hasher';
import { PersonsHandlers } from './persons.handlers';
import { PersonsRepository } from './persons.repository';
import { PersonsService } from './persons.service';

@Module({
  imports: [RecordsModule, SessionsModule],
  controllers: [PersonsHandlers],
  providers: [PasswordHasher, PersonsRepository, PersonsService],
})
export class PersonsModule {}
