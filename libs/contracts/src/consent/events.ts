import type { AccessMode, Rule } from '../identity/rules';

/** Data of grant.created / grant.updated / grant.revoked (API.md). */
export interface GrantEventData {
  grantId: string;
  appId: string;
  recordId: string;
  personId: string;
  rules: Rule[];
  modes: AccessMode[];
  /** `online`, `offline` or `online+offline`: the modes the rules cover. */
  mode: string;
  version: number;
  state: 'active' | 'revoked';
  source: string;
  at: string;
}
