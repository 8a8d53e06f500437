import { Inject, Injectable } from '@nestjs/common';
import { SERVICE_CONFIG } from '@carevault/platform';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { GatewayConfig } from '../config';
import { CSRF_COOKIE, CookieWriter, readCookie } from './cookies';

export const CSRF_FIELD = '_csrf';
const COOKIE_VALUE = /^[A-Za-z0-9_-]{43}$/;

export function newCsrfCookieValue(): string {
  return randomBytes(32).toString('base64url');
}

/** The form token: HMAC-SHA256(key, cookie value), base64url. A cross-site page can read neither. */
export function csrfTokenFor(key: string, cookieValue: string): string {
  return createHmac('sha256', key).update(cookieValue).digest('base64url');
}

export function isCsrfCookieValue(value: unknown): value is string {
  return typeof value === 'string' && COOKIE_VALUE.test(value);
}

/** Constant-time check that `token` is the token of `cookieValue`. */
export function csrfTokenMatches(key: string, cookieValue: unknown, token: unknown): boolean {
  if (!isCsrfCookieValue(cookieValue) || typeof token !== 'string' || token.length > 100) return false;
  const digest = (s: string) => createHash('sha256').update(s).digest();
  return timingSafeEqual(digest(csrfTokenFor(key, cookieValue)), digest(token));
}

const issued = new WeakMap<FastifyRequest, string>();

@Injectable()
export class CsrfService {
  constructor(
    @Inject(SERVICE_CONFIG) private readonly config: GatewayConfig,
    private readonly cookies: CookieWriter,
  ) {}

  /** The token for this browser's forms; gives the browser its cv_csrf cookie first if it has none. */
  tokenFor(req: FastifyRequest, reply: FastifyReply): string {
    let value = issued.get(req) ?? readCookie(req, CSRF_COOKIE);
    if (!isCsrfCookieValue(value)) {
      value = newCsrfCookieValue();
      this.cookies.set(reply, CSRF_COOKIE, value);
    }
    issued.set(req, value);
    return csrfTokenFor(this.config.COOKIE_SECRET, value);
  }

  /** Whether the posted `_csrf` field belongs to the request's cv_csrf cookie. */
  verify(req: FastifyRequest): boolean {
    const body = req.body;
    const token = typeof body === 'object' && body !== null ? (body as Record<string, unknown>)[CSRF_FIELD] : undefined;
    return csrfTokenMatches(this.config.COOKIE_SECRET, readCookie(req, CSRF_COOKIE), token);
  }
}
