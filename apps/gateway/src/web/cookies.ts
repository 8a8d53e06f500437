import { type CookieSerializeOptions, Inject, Injectable } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { SERVICE_CONFIG } from '@carevault/platform';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { type GatewayConfig, isSecureOrigin } from '../config';

export const SESSION_COOKIE = 'cv_session';
export const CSRF_COOKIE = 'cv_csrf';

/** One cookie of the request's `Cookie` header (first occurrence wins, as browsers send the most specific first). */
export function readCookie(req: Pick<FastifyRequest, 'headers'>, name: string): string | undefined {
  const header = req.headers.cookie;
  if (!header) return undefined;
  for (const pair of header.split(';')) {
    const eq = pair.indexOf('=');
    if (eq === -1 || pair.slice(0, eq).trim() !== name) continue;
    const value = pair.slice(eq + 1).trim();
    try {
      return decodeURIComponent(value);
    } catch {
      return value;
    }
  }
  return undefined;
}

/**
 * Writes the gateway's cookies through Nest's own Set-Cookie support (RFC 6265 checked, no plugin):
 * HttpOnly, SameSite=Lax, host-only, Path=/, Secure when the public origin is https.
 */
@Injectable()
export class CookieWriter {
  constructor(
    private readonly host: HttpAdapterHost,
    @Inject(SERVICE_CONFIG) private readonly config: GatewayConfig,
  ) {}

  set(reply: FastifyReply, name: string, value: string, extra: CookieSerializeOptions = {}): void {
    this.adapter().setCookie?.(reply, name, value, { ...this.defaults(), ...extra });
  }

  clear(reply: FastifyReply, name: string): void {
    this.adapter().clearCookie?.(reply, name, this.defaults());
  }

  private defaults(): CookieSerializeOptions {
    return { path: '/', httpOnly: true, sameSite: 'lax', secure: isSecureOrigin(this.config) };
  }

  private adapter() {
    return this.host.httpAdapter;
  }
}
