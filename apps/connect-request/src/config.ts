import { BaseEnv } from '@carevault/platform';
import { Matches } from 'class-validator';

const WHOLE = /^[1-9]\d{0,4}$/;

export class ConnectRequestEnv extends BaseEnv {
  /** The gateway's public origin: pickup URLs are `<PUBLIC_URL>/connect?code=…`. */
  @Matches(/^https?:\/\/[^/?#\s]+$/, { message: 'PUBLIC_URL must be an http(s) origin without a path, e.g. https://carevault.example' })
  PUBLIC_URL = 'http://localhost:8080';

  /** How long a connect request can be picked up. */
  @Matches(WHOLE, { message: 'CONNECT_REQUEST_TTL_DAYS must be a whole number of days' })
  CONNECT_REQUEST_TTL_DAYS = '28';

  /** Wrong answers (over the request's whole life, from anyone) before it locks. */
  @Matches(WHOLE, { message: 'CONNECT_REQUEST_MAX_ATTEMPTS must be a whole number' })
  CONNECT_REQUEST_MAX_ATTEMPTS = '3';

  /** Code entries per person within CONNECT_CODE_WINDOW_MINUTES before RATE_LIMITED. */
  @Matches(WHOLE, { message: 'CONNECT_CODE_MAX_PER_PERSON must be a whole number' })
  CONNECT_CODE_MAX_PER_PERSON = '10';

  /** Code entries per client address (IPv6: per /64) within the window before RATE_LIMITED. */
  @Matches(WHOLE, { message: 'CONNECT_CODE_MAX_PER_ADDRESS must be a whole number' })
  CONNECT_CODE_MAX_PER_ADDRESS = '30';

  @Matches(WHOLE, { message: 'CONNECT_CODE_WINDOW_MINUTES must be a whole number of minutes' })
  CONNECT_CODE_WINDOW_MINUTES = '15';

  /** How long the ticket of a pickup in progress (code entered, then answered) lives. */
  @Matches(WHOLE, { message: 'CONNECT_TICKET_TTL_MINUTES must be a whole number of minutes' })
  CONNECT_TICKET_TTL_MINUTES = '15';

  /** Pickups older than this are no longer listed to the application, and are purged. */
  @Matches(WHOLE, { message: 'CONNECT_PICKUP_RETENTION_DAYS must be a whole number of days' })
  CONNECT_PICKUP_RETENTION_DAYS = '90';
}

/** The settings as numbers, read once. */
export interface ConnectSettings {
  publicUrl: string;
  ttlDays: number;
  maxAttempts: number;
  maxPerPerson: number;
  maxPerAddress: number;
  windowMinutes: number;
  ticketTtlMinutes: number;
  retentionDays: number;
}

export const CONNECT_SETTINGS = Symbol('CONNECT_SETTINGS');

export function settingsOf(env: ConnectRequestEnv): ConnectSettings {
  return {
    publicUrl: env.PUBLIC_URL,
    ttlDays: Number(env.CONNECT_REQUEST_TTL_DAYS),
    maxAttempts: Number(env.CONNECT_REQUEST_MAX_ATTEMPTS),
    maxPerPerson: Number(env.CONNECT_CODE_MAX_PER_PERSON),
    maxPerAddress: Number(env.CONNECT_CODE_MAX_PER_ADDRESS),
    windowMinutes: Number(env.CONNECT_CODE_WINDOW_MINUTES),
    ticketTtlMinutes: Number(env.CONNECT_TICKET_TTL_MINUTES),
    retentionDays: Number(env.CONNECT_PICKUP_RETENTION_DAYS),
  };
}
