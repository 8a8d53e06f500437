import { BaseEnv } from '@carevault/platform';
import { Matches } from 'class-validator';

export class RecordStoreEnv extends BaseEnv {
  /**
   * Connections per replica. Each request holds one for a short transaction (2-4 round trips); with
   * PostgreSQL on 2 cores, more than ~3 per core only queues inside PostgreSQL instead of here.
   */
  @Matches(/^\d{1,3}$/, { message: 'DB_POOL_SIZE must be a number' })
  override DB_POOL_SIZE = '6';
}
