import { Module } from '@nestjs/common';
import { GrantsModule } from '../grants/grants.module';
import { CustodiansConsumer } from './custodians.consumer';

/** Reacts to identity's custodian changes: a custodian who leaves a record takes their grants there with them. */
@Module({
  imports: [GrantsModule],
  providers: [CustodiansConsumer],
})
export class CustodiansModule {}
