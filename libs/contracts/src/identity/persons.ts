import { IsEmail, IsOptional, IsString, IsUUID, Matches, MaxLength, MinLength } from 'class-validator';

export const PASSWORD_MIN_LENGTH = 10;

/** A person as other services and the gateway see them (never credentials). */
export interface PersonView {
  id: string;
  email: string;
  name: string;
}

/** A new session; `token` is shown once (the gateway puts it in the session cookie) and stored only as a hash. */
export interface IssuedSession {
  sessionId: string;
  token: string;
  expiresAt: string;
}

export class SignUpRequest {
  @IsEmail({}, { message: 'email must be an email address' })
  @MaxLength(254)
  email: string;

  @IsString()
  @MinLength(PASSWORD_MIN_LENGTH, { message: `password must be at least ${PASSWORD_MIN_LENGTH} characters` })
  @MaxLength(1024)
  password: string;

  @IsString()
  @Matches(/\S/, { message: 'name must not be empty' })
  @MaxLength(200)
  name: string;

  /** The client's IP address as the gateway saw it: recorded in the audit trail. */
  @IsOptional()
  @IsString()
  @MaxLength(100)
  clientAddress?: string;
}

/** The person, their own record (relationship "self") and a signed-in session. CONFLICT when the email is taken. */
export interface SignUpResponse {
  person: PersonView;
  recordId: string;
  session: IssuedSession;
}

export class SignInRequest {
  @IsString()
  @MaxLength(254)
  email: string;

  @IsString()
  @MaxLength(1024)
  password: string;

  /** The client's IP address as the gateway saw it: recorded in the audit trail. */
  @IsOptional()
  @IsString()
  @MaxLength(100)
  clientAddress?: string;
}

/** UNAUTHENTICATED (one generic message) on a wrong email or password; RATE_LIMITED after too many failures. */
export interface SignInResponse {
  person: PersonView;
  session: IssuedSession;
}

export class SessionTokenRequest {
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  token: string;
}

export class SignOutRequest extends SessionTokenRequest {}

/** Idempotent: `ended` is false when the token was unknown, expired or already ended. */
export interface SignOutResponse {
  ended: boolean;
  sessionId: string | null;
}

export class ResolveSessionRequest extends SessionTokenRequest {}

/** UNAUTHENTICATED when the token is unknown, expired or ended. */
export interface ResolveSessionResponse {
  sessionId: string;
  person: PersonView;
  expiresAt: string;
}

/** Whether a sign-in session is still active (for online tokens bound to it). */
export class SessionStatusRequest {
  @IsUUID()
  sessionId: string;
}

export interface SessionStatusResponse {
  active: boolean;
  expiresAt: string | null;
}
