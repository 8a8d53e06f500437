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
