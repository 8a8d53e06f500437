// class-transformer's @Type reads design metadata: make the contract classes loadable on their own.
import 'reflect-metadata';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsDefined,
  IsIn,
  IsInt,
  IsISO8601,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { FHIR_R4_RESOURCE_TYPES } from '../common/fhir';
import type { AccessMode } from '../identity/rules';
import { AccessContext } from './access';

export type ItemState = 'active' | 'deleted';

/** Who wrote a version of an item, when, and how. */
export interface ItemAuthor {
  at: string;
  appId: string;
  personId: string | null;
  mode: AccessMode;
  instanceId: string | null;
}

/**
 * One piece of health data. `resource` is the FHIR R4 resource with `id` = item id,
 * `meta.versionId` = version stamp and `meta.lastUpdated` = `updated.at`; its subject/patient reference
 * is `Patient/<recordId>` (the record is the patient, whatever the partner sent).
 */
export interface ItemView {
  id: string;
  /** The data type: the resource's `resourceType`. Never changes. */
  type: string;
  /** Opaque; changes with every write; the gateway's ETag. */
  versionStamp: string;
  effectiveDate: string;
  resource: Record<string, unknown>;
  created: ItemAuthor;
  updated: ItemAuthor;
  state: ItemState;
}

/** One entry of an item's history; `updated` is the author of this version. */
export interface ItemVersionView extends ItemView {
  version: number;
}

export const LIST_LIMIT_DEFAULT = 100;
export const LIST_LIMIT_MAX = 1000;

abstract class AccessRequest {
  @IsDefined()
  @ValidateNested()
  @Type(() => AccessContext)
  access: AccessContext;
}

abstract class ItemRequest extends AccessRequest {
  @IsUUID()
  itemId: string;
}

/** Needs `create` on the resource's type. VALIDATION_FAILED names each FHIR problem (`errors[].field` is a FHIR path). */
export class CreateItemRequest extends AccessRequest {
  @IsObject()
  resource: Record<string, unknown>;
}

/** Needs `read` on the item's type. NOT_FOUND for an unknown or deleted item, or one of another record. */
export class GetItemRequest extends ItemRequest {}

/**
 * Items of the record, newest effective date first, keyset-paged by the opaque `cursor`.
 * `types` (default: every type the app may read) must all be readable, else ACCESS_DENIED.
 * `effectiveFrom` ≤ effectiveDate ≤ `effectiveTo`; `updatedSince` ≤ updated.at.
 */
export class ListItemsRequest extends AccessRequest {
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(200)
  @IsIn(FHIR_R4_RESOURCE_TYPES, { each: true, message: 'each value in types must be a FHIR R4 resource type' })
  types?: string[];

  @IsOptional()
  @IsISO8601({ strict: true })
  effectiveFrom?: string;

  @IsOptional()
  @IsISO8601({ strict: true })
  effectiveTo?: string;

  @IsOptional()
  @IsISO8601({ strict: true })
  updatedSince?: string;

  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(LIST_LIMIT_MAX)
  limit?: number;

  @IsOptional()
  @IsString()
  @MaxLength(200)
  cursor?: string;
}

export interface ListItemsResponse {
  items: ItemView[];
  nextCursor: string | null;
}

/**
 * A new version. `ifMatch` (the version stamp the caller last saw) is required: PRECONDITION_REQUIRED
 * without it, VERSION_STAMP_MISMATCH when stale. Needs `update`; the type may not change.
 */
export class UpdateItemRequest extends ItemRequest {
  @IsObject()
  resource: Record<string, unknown>;

  @IsOptional()
  @IsString()
  @MaxLength(200)
  ifMatch?: string;
}

/** Soft delete (the item stays in its history). Needs `delete`; `ifMatch` as for update. Answers the deleted item. */
export class DeleteItemRequest extends ItemRequest {
  @IsOptional()
  @IsString()
  @MaxLength(200)
  ifMatch?: string;
}

/** The item's versions, newest first, deleted items included. Needs `read` on its type. */
export class ItemVersionsRequest extends ItemRequest {
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(LIST_LIMIT_MAX)
  limit?: number;

  @IsOptional()
  @IsString()
  @MaxLength(200)
  cursor?: string;
}

export interface ItemVersionsResponse {
  items: ItemVersionView[];
  nextCursor: string | null;
}

