import { IsBoolean, IsInt, IsObject, IsOptional, IsString, Matches, MaxLength, Min, MinLength } from 'class-validator';

/**
 * The claims of a Carevault access token: a JWT (`typ: at+jwt`, ES256, key = TOKEN_SIGNING_KEY,
 * published at `<PUBLIC_URL>/oauth/jwks`) issued by the gateway's OAuth server. The partner API
 * verifies it locally with exactly these claims.
 *
 * - online user token (authorization_code): `cv_mode: 'online'`, `sub`/`person_id`, `record_id`,
 *   `grant_id`, `sid`. It stops working when the Carevault session `sid` ends: check it is active.
 * - application token (client_credentials): `cv_mode: 'offline'`, `app_id`, no person/record.
 * - device token (device_code): `cv_mode: 'offline'`, `person_id`, `record_id`, `grant_id`,
 *   `instance_id` (issue 6).
 */
export interface AccessTokenClaims {
  /** The issuer: PUBLIC_URL (an origin, no path). */
  iss: string;
  /** `<PUBLIC_URL>/api`. */
  aud: string | string[];
  exp: number;
  iat: number;
  /** Unique token id; a revoked token's jti is denylisted (see OAuthTokenRevokedEvent). */
  jti: string;
  /** The OAuth client id of the application. */
  client_id: string;
  /** Our application id (ApplicationView.appId). */
  app_id: string;
  cv_mode: 'online' | 'offline';
  /** SMART v2 scopes derived from the granted rules, space-separated, e.g. `patient/Observation.cr`. */
  scope?: string;
  /** The person id (user and device tokens). */
  sub?: string;
  person_id?: string;
  record_id?: string;
  /** The consent service's grant id (not oidc-provider's). */
  grant_id?: string;
  /** The Carevault session id the person consented under (online tokens): dead session = dead token. */
  sid?: string;
  /** The device instance (device tokens, issue 6). */
  instance_id?: string;
}

/**
 * OAuth state (oidc-provider's adapter models: AuthorizationCode, RefreshToken, DeviceCode, Grant,
 * Interaction, Session, ...) kept by identity in `identity.oauth_objects`; the gateway's adapter is a
 * thin NATS client. Payloads are oidc-provider's, opaque to identity apart from `grantId`, `userCode`
 * and `uid`, which it indexes. Never log them: they carry codes and token ids.
 */
const MODEL = /^[A-Za-z][A-Za-z0-9]{0,39}$/;

export class OAuthModelRequest {
  @Matches(MODEL, { message: 'model must be an oidc-provider model name' })
  model: string;
}

export class OAuthObjectRequest extends OAuthModelRequest {
  @IsString()
  @MinLength(1)
  @MaxLength(2000)
  id: string;
}

export class OAuthUpsertRequest extends OAuthObjectRequest {
  @IsObject()
  payload: Record<string, unknown>;

  /** Seconds from now; absent = does not expire on its own. */
  @IsOptional()
  @IsInt()
  @Min(1)
  expiresIn?: number;
}

export interface OAuthUpsertResponse {
  stored: true;
}

export class OAuthFindRequest extends OAuthObjectRequest {}

export class OAuthFindByUserCodeRequest extends OAuthModelRequest {
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  userCode: string;
}

export class OAuthFindByUidRequest extends OAuthModelRequest {
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  uid: string;
}

/** `payload` null when unknown or expired; a consumed object has `consumed` (epoch seconds) set. */
export interface OAuthFindResponse {
  payload: Record<string, unknown> | null;
}

/** Atomic: `consumed` is true for exactly one caller, however many race (`UPDATE … WHERE consumed_at IS NULL`). */
export class OAuthConsumeRequest extends OAuthObjectRequest {}

export interface OAuthConsumeResponse {
  consumed: boolean;
}

export class OAuthDestroyRequest extends OAuthObjectRequest {}

export interface OAuthDestroyResponse {
  destroyed: boolean;
}

/**
 * Deletes every object of `model` that belongs to the (oidc-provider) grant. With `denylist`, the
 * deleted ids are JWT ids of access tokens: they are denylisted until they expire and announced on
 * TOKEN_REVOCATION_SUBJECT.
 */
export class OAuthRevokeByGrantIdRequest extends OAuthModelRequest {
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  grantId: string;

  @IsOptional()
  @IsBoolean()
  denylist?: boolean;
}

export interface OAuthRevokeByGrantIdResponse {
  revoked: number;
}

/** Denylists one JWT access token (RFC 7009 revocation) until `exp`, then announces it on TOKEN_REVOCATION_SUBJECT. */
export class OAuthRevokeJtiRequest {
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  jti: string;

  @IsString()
  @MinLength(1)
  @MaxLength(200)
  clientId: string;

  /** The token's `exp` (epoch seconds): the denylist entry is purged after it. */
  @IsInt()
  @Min(0)
  exp: number;
}

export interface OAuthRevokeJtiResponse {
  revoked: boolean;
}

export class OAuthJtiStatusRequest {
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  jti: string;
}

export interface OAuthJtiStatusResponse {
  revoked: boolean;
}

/** Core NATS message on TOKEN_REVOCATION_SUBJECT: gateways refuse this access token from now on. */
export interface TokenRevocation {
  jti: string;
  exp: number;
}
