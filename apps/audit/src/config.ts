import { BaseEnv } from '@carevault/platform';
import { Matches } from 'class-validator';

export class AuditEnv extends BaseEnv {
  /**
   * Days an event id stays in the consumer's inbox. Older repeats are still stored once (entries.event_id
   * is unique); the inbox only makes the common case cheap, so it need not grow with the trail.
   */
  @Matches(/^\d{1,4}$/, { message: 'AUDIT_INBOX_RETENTION_DAYS must be a number of days' })
  AUDIT_INBOX_RETENTION_DAYS = '7';
}
