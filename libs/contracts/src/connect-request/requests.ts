import { IsInt, IsOptional, IsString, IsUUID, Matches, Max, MaxLength, Min, MinLength } from 'class-validator';

/** Field limits of a connect request (also for the gateway's OpenAPI document). */
export const CONNECT_REQUEST_LIMITS = {
  externalId: 255,
  friendlyName: 200,
  question: 500,
  answer: 500,
} as const;

const NOT_BLANK = /\S/;

/**
 * A new connect request (Patient Connect) of an offline-capable application; the gateway has checked
 * the application token and passes its `appId`. The answer is kept only as an Argon2id hash of its
 * normalized form (trimmed, inner whitespace collapsed, NFKC, lower case), so the person may type it in
 * any case and spacing. DUPLICATE_CONNECT_REQUEST when the application has a pending request with this
 * external id.
 */
export class CreateConnectRequestRequest {
  @IsUUID()
  appId: string;

  @IsString()
  @Matches(NOT_BLANK, { message: 'externalId must not be empty' })
  @MaxLength(CONNECT_REQUEST_LIMITS.externalId)
  externalId: string;

  @IsString()
  @Matches(NOT_BLANK, { message: 'friendlyName must not be empty' })
  @MaxLength(CONNECT_REQUEST_LIMITS.friendlyName)
  friendlyName: string;

  @IsString()
  @Matches(NOT_BLANK, { message: 'question must not be empty' })
  @MaxLength(CONNECT_REQUEST_LIMITS.question)
  question: string;

  @IsString()
  @Matches(NOT_BLANK, { message: 'answer must not be empty' })
  @MaxLength(CONNECT_REQUEST_LIMITS.answer)
  answer: string;
}

/** 201 body. `pickupCode` (and `pickupUrl`, which contains it) is shown this once: only its hash is kept. */
export interface CreateConnectRequestResponse {
  externalId: string;
  /** `ABCD-EFGH-JKMN-PQRS-TUVW`: 20 symbols of 23456789ABCDEFGHJKMNPQRSTUVWXYZ (≈ 99 bits). */
  pickupCode: string;
  /** `<PUBLIC_URL>/connect?code=<pickupCode>`. */
  pickupUrl: string;
  expiresAt: string;
}

/**
 * Deletes the application's not yet picked-up requests with this external id (pending, locked or
 * expired). CONNECT_REQUEST_ALREADY_AUTHORIZED when its only requests were picked up; NOT_FOUND when
 * it has none.
 */
export class DeleteConnectRequestRequest {
  @IsUUID()
  appId: string;

  @IsString()
  @MinLength(1)
  @MaxLength(CONNECT_REQUEST_LIMITS.externalId)
  externalId: string;
}

export interface DeleteConnectRequestResponse {
  externalId: string;
  deleted: number;
}

/**
 * Renames an external id on every request of the application that carries it and is not deleted
 * (pending or picked up: polling shows the new id from then on). NOT_FOUND when there is none;
 * DUPLICATE_CONNECT_REQUEST when a pending request would then share its external id with another.
 */
export class ChangeExternalIdRequest {
  @IsUUID()
  appId: string;

  @IsString()
  @MinLength(1)
  @MaxLength(CONNECT_REQUEST_LIMITS.externalId)
  externalId: string;

  @IsString()
  @Matches(NOT_BLANK, { message: 'newExternalId must not be empty' })
  @MaxLength(CONNECT_REQUEST_LIMITS.externalId)
  newExternalId: string;
}

export interface ChangeExternalIdResponse {
  externalId: string;
  previousExternalId: string;
  /** How many requests were renamed. */
  updated: number;
}

/**
 * The application's pickups, oldest first, after the opaque `since` cursor; only pickups of the last
 * CONNECT_PICKUP_RETENTION_DAYS (90) days. VALIDATION_FAILED for a cursor that is not ours.
 */
export class ListAuthorizedRequest {
  @IsUUID()
  appId: string;

  @IsOptional()
  @IsString()
  @MaxLength(200)
  since?: string;

  /** 1..500, default 100. */
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(500)
  limit?: number;
}

export interface AuthorizedConnectRequest {
  externalId: string;
  personId: string;
  recordId: string;
  grantId: string;
  authorizedAt: string;
}

export interface AuthorizedConnectRequestList {
  items: AuthorizedConnectRequest[];
  /**
   * Where to continue: after the last item; echoes `since` when nothing is new; null only when the
   * application has no pickups yet and no `since` was given. A poller always keeps the last one.
   */
  nextCursor: string | null;
  /** More pickups are waiting now (ask again at once). */
  hasMore: boolean;
}
