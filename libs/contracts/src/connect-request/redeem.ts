import { IsString, IsUUID, Matches, MaxLength, MinLength } from 'class-validator';

// The /connect pages (person signed in; the gateway passes the person id and the client's address).
// A pickup: enter-code → answer → (gateway: consent page, consent UpsertGrant with source 'connect')
// → complete. The code is sent once; the steps after it carry an opaque `ticket` (15 minutes, bound
// to the person and the request, stored hashed). Keep the ticket out of URLs (hidden form field or
// the session), and never log it.

const TICKET = /^[A-Za-z0-9_-]{16,100}$/;

class PersonStep {
  @IsUUID()
  personId: string;
}

class TicketStep extends PersonStep {
  @Matches(TICKET, { message: 'ticket is not valid' })
  ticket: string;
}

/**
 * The person typed a pickup code (any case, with or without dashes and spaces). Rate-limited per person
 * and per client address before anything is looked up (RATE_LIMITED). Unknown, expired, locked, deleted
 * and mistyped codes all answer the same NOT_FOUND.
 */
export class EnterCodeRequest extends PersonStep {
  /** The client's IP address as the gateway saw it (IPv6 addresses are limited per /64). */
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  clientAddress: string;

  @IsString()
  @MaxLength(100)
  code: string;
}

export interface EnterCodeResponse {
  ticket: string;
  appId: string;
  question: string;
  /** Wrong answers the request still takes before it locks. */
  attemptsLeft: number;
  /** When the ticket expires. */
  expiresAt: string;
}

/**
 * The person's answer to the secret question. Right: the ticket is now "answered" and the friendly
 * name is shown. Wrong: VALIDATION_FAILED (field `answer`, the message says how many tries remain), or
 * RETRY_LIMIT_EXCEEDED when this answer locked the request (then every later answer, right or not,
 * gets RETRY_LIMIT_EXCEEDED too). Answering an already answered ticket again returns the same result
 * without checking. NOT_FOUND when the ticket is unknown, expired, another person's, or the request
 * is gone.
 */
export class AnswerRequest extends TicketStep {
  /** Logged with wrong answers and locks, for operators. */
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  clientAddress: string;

  @IsString()
  @MinLength(1)
  @MaxLength(1000)
  answer: string;
}

export interface AnswerResponse {
  ticket: string;
  appId: string;
  friendlyName: string;
  expiresAt: string;
}

/**
 * Where the pickup stands, for rendering a /connect page again and for checking `stage: 'answered'`
 * right before consent UpsertGrant. NOT_FOUND as for AnswerRequest; RETRY_LIMIT_EXCEEDED when the
 * ticket was not answered and the request has locked.
 */
export class GetTicketRequest extends TicketStep {}

export interface TicketView {
  appId: string;
  stage: 'question' | 'answered';
  question: string;
  /** Only once answered. */
  friendlyName: string | null;
  attemptsLeft: number;
  expiresAt: string;
}

/**
 * Records the pickup after the gateway created (or found) the grant with consent UpsertGrant. Needs an
 * answered ticket of this person (used up by this call; calling again with the same values answers
 * the same), a request the application has not deleted, and an active grant of this application on
 * `recordId` (checked with consent). The request becomes `authorized`; a
 * `connect-request.authorized` event is published. The same grant picked up again adds nothing.
 */
export class CompleteRequest extends TicketStep {
  @IsUUID()
  recordId: string;

  @IsUUID()
  grantId: string;
}

export interface CompleteResponse {
  appId: string;
  friendlyName: string;
  externalId: string;
  recordId: string;
  grantId: string;
  authorizedAt: string;
}
