import { BaseEnv } from '@carevault/platform';
import { Matches } from 'class-validator';

export class IdentityEnv extends BaseEnv {
  /** How long a person's sign-in session lives. */
  @Matches(/^[1-9]\d{0,3}$/, { message: 'SESSION_TTL_HOURS must be a whole number of hours (1-9999)' })
  SESSION_TTL_HOURS = '12';

  /** Failed sign-ins per email within SIGN_IN_WINDOW_MINUTES before RATE_LIMITED. */
  @Matches(/^[1-9]\d{0,3}$/, { message: 'SIGN_IN_MAX_FAILURES must be a whole number (1-9999)' })
  SIGN_IN_MAX_FAILURES = '10';

  @Matches(/^[1-9]\d{0,4}$/, { message: 'SIGN_IN_WINDOW_MINUTES must be a whole number of minutes' })
  SIGN_IN_WINDOW_MINUTES = '15';

  /**
   * A rotated refresh token presented again within this many seconds of its rotation is answered
   * invalid_grant without revoking its chain: a client's own concurrent refreshes (one wins, the rest
   * fail, the winner's tokens stay good). Presented later, it is reuse: the whole chain is revoked.
   */
  @Matches(/^\d{1,3}$/, { message: 'REFRESH_REUSE_GRACE_SECONDS must be a whole number of seconds (0-999)' })
  REFRESH_REUSE_GRACE_SECONDS = '5';
}
