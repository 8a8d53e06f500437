import type { ApplicationKind } from './applications';
import type { Rule } from './rules';

/** A session ended: online tokens issued under it must stop working at once. */
export interface SessionEndedEvent {
  sessionId: string;
  personId: string;
  reason: 'sign-out';
  endedAt: string;
}

export interface ApplicationRegisteredEvent {
  appId: string;
  clientId: string;
  name: string;
  kind: ApplicationKind;
  webhookUrl: string | null;
  ruleSetVersion: number;
  rules: Rule[];
  at: string;
}

/** A new rule-set version. Existing grants keep what they were given; `requiredRulesAdded` need re-authorization. */
export interface RuleSetChangedEvent {
  appId: string;
  version: number;
  previousVersion: number;
  rules: Rule[];
  requiredRulesAdded: string[];
  at: string;
}
