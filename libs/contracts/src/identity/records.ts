import { IsIn, IsString, IsUUID, Matches, MaxLength } from 'class-validator';

export const RELATIONSHIPS = ['self', 'child', 'parent', 'spouse', 'other'] as const;
/** How the record's subject relates to the person who added it. */
export type Relationship = (typeof RELATIONSHIPS)[number];

export interface RecordView {
  id: string;
  name: string;
  relationship: Relationship;
  createdAt: string;
}

/** The records the person is a custodian of, oldest first. */
export class ListRecordsRequest {
  @IsUUID()
  personId: string;
}

export interface ListRecordsResponse {
  items: RecordView[];
  nextCursor: string | null;
}

/** Adds a record with the person as its custodian. NOT_FOUND when the person does not exist. */
export class AddRecordRequest {
  @IsUUID()
  personId: string;

  @IsString()
  @Matches(/\S/, { message: 'name must not be empty' })
  @MaxLength(200)
  name: string;

  @IsIn(RELATIONSHIPS, { message: `relationship must be one of ${RELATIONSHIPS.join(', ')}` })
  relationship: Relationship;
}

export type AddRecordResponse = RecordView;

export class IsCustodianRequest {
  @IsUUID()
  personId: string;

  @IsUUID()
  recordId: string;
}

export interface IsCustodianResponse {
  isCustodian: boolean;
}

/** One record of the person, with how many custodians it has (a person cannot leave a record they alone keep). NOT_FOUND when the person is not its custodian. */
export class GetRecordRequest {
  @IsUUID()
  personId: string;

  @IsUUID()
  recordId: string;
}

export interface GetRecordResponse extends RecordView {
  custodianCount: number;
}

/**
 * The person stops being a custodian of the record ("leave this record"). NOT_FOUND when they are not
 * one; CONFLICT when they are its only custodian (every record keeps at least one). Publishes
 * `identity.evt.custodian-removed.v1` in the same transaction; consent then revokes the grants the
 * person made on the record.
 */
export class RemoveCustodianRequest {
  @IsUUID()
  personId: string;

  @IsUUID()
  recordId: string;
}

export interface RemoveCustodianResponse {
  recordId: string;
  personId: string;
  /** When the custodian row was removed (ISO 8601 UTC). */
  at: string;
}

/** Data of `identity.evt.custodian-removed.v1`. */
export interface CustodianRemovedEvent {
  recordId: string;
  personId: string;
  at: string;
}
