import { ArrayMaxSize, IsArray, IsBoolean, IsInt, IsOptional, IsString, IsUUID, Matches, Max, MaxLength, Min, MinLength } from 'class-validator';

/**
 * Device instances (SODA): one installed copy of a device application, authorized by a person on one
 * record through the RFC 8628 device flow, with its own refresh-token chain, revocable on its own.
 * Identity keeps them in `identity.device_instances`; the gateway creates one when the person approves.
 */
export interface DeviceInstanceView {
  id: string;
  appId: string;
  /** The person who authorized it. */
  personId: string;
  recordId: string;
  /** The consent service's grant it acts under (shared by every instance of the app on the record). */
  grantId: string;
  /** What the device called itself (`instance_name`), e.g. "Sam's iPhone". */
  name: string;
  createdAt: string;
  /** Updated at most once a minute, when the gateway checks the instance or it refreshes its tokens. */
  lastUsedAt: string | null;
  revokedAt: string | null;
}

export const DEVICE_INSTANCE_NAME_MAX = 100;

/** Created by the gateway when the person approves a device authorization. NOT_FOUND unless the person is a custodian of the record. */
export class CreateDeviceInstanceRequest {
  @IsUUID()
  appId: string;

  @IsUUID()
  personId: string;

  @IsUUID()
  recordId: string;

  @IsUUID()
  grantId: string;

  /** oidc-provider's grant id: revoking the instance deletes that grant's refresh tokens. */
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  oauthGrantId: string;

  @IsString()
  @Matches(/\S/, { message: 'name must not be empty' })
  @MaxLength(DEVICE_INSTANCE_NAME_MAX)
  name: string;
}

export type CreateDeviceInstanceResponse = DeviceInstanceView;

/**
 * Revokes one instance: the person must be a custodian of its record (NOT_FOUND otherwise, like an
 * unknown instance). Idempotent: `revoked` is false when it was revoked already.
 */
export class RevokeDeviceInstanceRequest {
  @IsUUID()
  personId: string;

  @IsUUID()
  instanceId: string;
}

export interface RevokeDeviceInstanceResponse {
  revoked: boolean;
  instance: DeviceInstanceView;
}

/** oidc-provider revoked a grant (refresh-token reuse, RFC 7009 revocation): the instance bound to it is done too. */
export class RevokeDeviceInstanceByOAuthGrantRequest {
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  oauthGrantId: string;
}

export interface RevokeDeviceInstanceByOAuthGrantResponse {
  revoked: number;
}

/** Whether the instance may still be used; `touch` records the use (at most once a minute). */
export class DeviceInstanceStatusRequest {
  @IsUUID()
  instanceId: string;

  @IsOptional()
  @IsBoolean()
  touch?: boolean;
}

export interface DeviceInstanceStatusResponse {
  /** False when revoked or unknown. */
  active: boolean;
}

/** The active instances on the records the person is a custodian of (all of them, or those of `recordIds`), oldest first. */
export class ListDeviceInstancesRequest {
  @IsUUID()
  personId: string;

  @IsOptional()
  @IsArray()
  @ArrayMaxSize(200)
  @IsUUID('all', { each: true })
  recordIds?: string[];
}

export interface ListDeviceInstancesResponse {
  items: DeviceInstanceView[];
  nextCursor: string | null;
}

/**
 * One user-code entry at `/device`, counted before the code is looked up, per person and per client
 * address (in PostgreSQL, so that every gateway replica agrees). `allowed: false`: too many entries in
 * the window. An entry whose code turned out to exist is released again (ReleaseDeviceCodeAttempt),
 * so only wrong codes use up the allowance.
 */
export class DeviceCodeAttemptRequest {
  @IsOptional()
  @IsUUID()
  personId?: string;

  /** The client address key: an IPv4 address, or an IPv6 /64 prefix. */
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  clientAddress: string;
}

export interface DeviceCodeAttemptResponse {
  allowed: boolean;
  attemptId: string | null;
}

export class ReleaseDeviceCodeAttemptRequest {
  @IsUUID()
  attemptId: string;
}

export interface ReleaseDeviceCodeAttemptResponse {
  released: boolean;
}

/**
 * A token request with a device code that is still pending (RFC 8628 §3.5): `slowDown` when it came
 * sooner than the interval after the previous one; the interval then grows by 5 s for this code.
 */
export class DeviceCodePollRequest {
  /** SHA-256 (hex) of the device code: identity never sees the code itself here. */
  @Matches(/^[0-9a-f]{64}$/, { message: 'codeHash must be a SHA-256 hex digest' })
  codeHash: string;

  @IsInt()
  @Min(1)
  @Max(60)
  intervalSeconds: number;
}

export interface DeviceCodePollResponse {
  slowDown: boolean;
  intervalSeconds: number;
}

export const DEVICE_INSTANCE_REVOKE_REASONS = ['person', 'grant-revoked', 'oauth-grant-revoked'] as const;
export type DeviceInstanceRevokeReason = (typeof DEVICE_INSTANCE_REVOKE_REASONS)[number];

/** `identity.evt.device-instance-revoked.v1`, envelope type `device-instance.revoked` (partners see it as is). */
export interface DeviceInstanceRevokedEvent {
  appId: string;
  instanceId: string;
  recordId: string;
  /** The person who had authorized the instance. */
  personId: string;
  /** The consent grant it acted under. */
  grantId: string;
  /** Why: the person disconnected it, the app's grant on the record was revoked, or its token chain was revoked. */
  reason: DeviceInstanceRevokeReason;
  at: string;
}

/** Core NATS message on DEVICE_INSTANCE_INVALIDATION_SUBJECT: gateways forget that the instance was active. */
export interface DeviceInstanceInvalidation {
  instanceId: string;
}

