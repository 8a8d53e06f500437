import {
  IsIn,
  IsISO8601,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  MaxLength,
  registerDecorator,
  type ValidationArguments,
} from 'class-validator';
import { AuditEventType, AuditEvt } from './subjects';

export const AUDIT_CATEGORIES = ['auth', 'grant', 'token', 'connect', 'operator', 'audit-read', 'device'] as const;
/** What part of the platform an `audit.evt.recorded.v1` event is about (data access has its own event). */
export type AuditCategory = (typeof AUDIT_CATEGORIES)[number];

export const AUDIT_OUTCOMES = ['allowed', 'denied', 'success', 'failure'] as const;
/** allowed/denied: an access decision; success/failure: an action that was attempted. */
export type AuditOutcome = (typeof AUDIT_OUTCOMES)[number];

/** The actions Carevault's services record, each with its category. Others may be added (kebab-case). */
export const AUDIT_ACTIONS = {
  'sign-up': 'auth',
  'sign-in': 'auth',
  'sign-in-failed': 'auth',
  'sign-out': 'auth',
  'grant-created': 'grant',
  'grant-updated': 'grant',
  'grant-revoked': 'grant',
  'token-issued': 'token',
  'token-revoked': 'token',
  'connect-code-entered': 'connect',
  'connect-answer-wrong': 'connect',
  'connect-locked': 'connect',
  'connect-authorized': 'connect',
  'device-authorized': 'device',
  'device-revoked': 'device',
  'application-registered': 'operator',
  'rules-replaced': 'operator',
  'secret-rotated': 'operator',
  'audit-queried': 'audit-read',
} as const satisfies Record<string, AuditCategory>;
export type AuditAction = keyof typeof AUDIT_ACTIONS;

export const AUDIT_ACTION_PATTERN = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;
/** Keys of `details` that would name a secret (`clientSecret`, `refreshToken`, `pickupCode`): such an event is refused, not stored. */
export const SECRET_DETAIL_KEYS = /(secret|password|passwd|token|answer|code|cookie|authorization|otp|pin)$/i;
export const MAX_DETAILS = 12;

/** `details`: at most 12 short string values under identifier-like keys, none of them named like a secret. */
export function IsAuditDetails(): PropertyDecorator {
  return (target: object, propertyName: string | symbol) =>
    registerDecorator({
      name: 'isAuditDetails',
      target: target.constructor,
      propertyName: String(propertyName),
      validator: {
        validate(value: unknown) {
          if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
          const entries = Object.entries(value);
          return (
            entries.length <= MAX_DETAILS &&
            entries.every(([k, v]) => /^[A-Za-z][A-Za-z0-9_-]{0,39}$/.test(k) && !SECRET_DETAIL_KEYS.test(k) && typeof v === 'string' && v.length <= 200)
          );
        },
        defaultMessage(args: ValidationArguments) {
          return `${args.property} must be an object of at most ${MAX_DETAILS} non-secret string values (keys like "grantId", values up to 200 characters)`;
        },
      },
    });
}

/**
 * `data` of `audit.evt.recorded.v1`: anything worth auditing that is not a data access — sign-ins,
 * grant changes, tokens, Patient Connect steps, operator actions, reads of the audit trail. Published
 * through the producer's outbox (see `auditRecorded`). Never carries secrets or health data.
 */
export class AuditRecordedEvent {
  @IsIn(AUDIT_CATEGORIES)
  category: AuditCategory;

  @IsString()
  @MaxLength(60)
  @Matches(AUDIT_ACTION_PATTERN, { message: 'action must be kebab-case, e.g. sign-in-failed' })
  action: string;

  @IsIn(AUDIT_OUTCOMES)
  outcome: AuditOutcome;

  @IsOptional()
  @IsUUID()
  personId?: string | null;

  @IsOptional()
  @IsUUID()
  appId?: string | null;

  @IsOptional()
  @IsUUID()
  instanceId?: string | null;

  @IsOptional()
  @IsUUID()
  recordId?: string | null;

  @IsOptional()
  @IsString()
  @MaxLength(100)
  clientAddress?: string | null;

  @IsOptional()
  @IsString()
  @MaxLength(100)
  correlationId?: string | null;

  @IsISO8601()
  at: string;

  @IsOptional()
  @IsAuditDetails()
  details?: Record<string, string> | null;
}

export type AuditRecordedFields = Omit<AuditRecordedEvent, 'category' | 'action' | 'outcome' | 'at'> & { at?: string };

/**
 * The event to put in the producer's outbox (`outbox.enqueue(m, auditRecorded('grant-revoked', 'success', {...}))`):
 * the subject, envelope type and data, with the category of a known action filled in.
 */
export function auditRecorded(
  action: AuditAction,
  outcome: AuditOutcome,
  fields: AuditRecordedFields,
): { subject: typeof AuditEvt.Recorded; type: typeof AuditEventType.Recorded; data: AuditRecordedEvent; correlationId: string | null } {
  return {
    subject: AuditEvt.Recorded,
    type: AuditEventType.Recorded,
    correlationId: fields.correlationId ?? null,
    data: { ...fields, category: AUDIT_ACTIONS[action], action, outcome, at: fields.at ?? new Date().toISOString() },
  };
}
