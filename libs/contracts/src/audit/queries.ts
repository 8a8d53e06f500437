// class-transformer's @Type reads design metadata: make the contract classes loadable on their own.
import 'reflect-metadata';
import type { AuditEvent, Bundle } from '@medplum/fhirtypes';
import { Type } from 'class-transformer';
import { IsBoolean, IsDefined, IsIn, IsInt, IsISO8601, IsOptional, IsString, IsUUID, Max, MaxLength, Min, ValidateNested } from 'class-validator';
import { AUDIT_OUTCOMES, type AuditOutcome } from './recorded';

/**
 * Who reads the audit trail: a person (checked as a custodian of the record) or the operator. The gateway
 * fills it from the session or the operator token; the read itself is audited (`audit-queried`) with it.
 */
export class AuditActorDto {
  @IsOptional()
  @IsUUID()
  personId?: string;

  @IsOptional()
  @IsBoolean()
  operator?: boolean;
}

class ActorRequest {
  @IsDefined()
  @ValidateNested()
  @Type(() => AuditActorDto)
  actor: AuditActorDto;
}

class PageRequest extends ActorRequest {
  /** Opaque; from the previous page's `nextCursor`. */
  @IsOptional()
  @IsString()
  @MaxLength(200)
  cursor?: string;

  /** 1–500, default 100. */
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(500)
  limit?: number;
}

/** Operator query over the whole trail, newest first (keyset on occurredAt, seq). The actor must be the operator. */
export class AuditQueryRequest extends PageRequest {
  @IsOptional()
  @IsUUID()
  recordId?: string;

  @IsOptional()
  @IsUUID()
  appId?: string;

  @IsOptional()
  @IsUUID()
  personId?: string;

  @IsOptional()
  @IsIn(AUDIT_OUTCOMES)
  outcome?: AuditOutcome;

  /** occurredAt ≥ from (ISO 8601). */
  @IsOptional()
  @IsISO8601()
  from?: string;

  /** occurredAt < to (ISO 8601). */
  @IsOptional()
  @IsISO8601()
  to?: string;
}

/**
 * One record's activity for the person's page, newest first, each entry with a sentence in plain words.
 * A person's own earlier views of this page are left out.
 */
export class RecordActivityRequest extends PageRequest {
  @IsUUID()
  recordId: string;

  @IsOptional()
  @IsUUID()
  appId?: string;

  @IsOptional()
  @IsIn(AUDIT_OUTCOMES)
  outcome?: AuditOutcome;
}

/** One record's trail as FHIR R4 AuditEvent resources in a `collection` Bundle, newest first, up to 500 a page. */
export class ExportFhirRequest extends PageRequest {
  @IsUUID()
  recordId: string;
}

/** Walks one record's chain, or every chain (slow on a large trail: prefer `npm run audit:verify` there). */
export class VerifyAuditRequest {
  @IsOptional()
  @IsUUID()
  recordId?: string;
}

export type AuditEntryKind = 'data-access' | 'recorded';

/** One stored audit entry. `category` is `data` and `action` the permission for a data access. */
export interface AuditEntryView {
  seq: string;
  eventId: string;
  kind: AuditEntryKind;
  category: string;
  action: string;
  outcome: AuditOutcome;
  reason: string | null;
  recordId: string | null;
  appId: string | null;
  instanceId: string | null;
  personId: string | null;
  dataType: string | null;
  itemId: string | null;
  itemCount: number | null;
  permission: string | null;
  mode: string | null;
  correlationId: string | null;
  clientAddress: string | null;
  details: Record<string, string> | null;
  occurredAt: string;
  recordedAt: string;
}

export interface AuditEntryList {
  items: AuditEntryView[];
  nextCursor: string | null;
}

export interface ActivityEntry extends AuditEntryView {
  /** e.g. "Contoso Pharmacy added a MedicationStatement — offline — allowed". */
  sentence: string;
  appName: string | null;
}

export interface RecordActivityList {
  items: ActivityEntry[];
  nextCursor: string | null;
}

export interface ExportFhirResponse {
  bundle: Bundle<AuditEvent>;
  nextCursor: string | null;
}

/** `ok: false` names the first broken link: the entry whose stored value differs from what its chain expects. */
export type VerifyAuditResponse =
  | { ok: true; entries: number; chains: number }
  | { ok: false; entries: number; chains: number; chainKey: string; seq: string | null; eventId: string | null; expected: string | null; found: string | null; problem: string };
