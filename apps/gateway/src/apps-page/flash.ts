import { Inject, Injectable } from '@nestjs/common';
import { SERVICE_CONFIG } from '@carevault/platform';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { GatewayConfig } from '../config';
import { CookieWriter, readCookie } from '../web/cookies';

export const FLASH_COOKIE = 'cv_flash';
const MAX_LENGTH = 500;

/**
 * A one-time message for the page a form redirects to ("Contoso Pharmacy can no longer use Sam's
 * record."): an HMAC-signed, HttpOnly cookie of one minute, cleared when shown. Signed so that nobody
 * but the gateway can make Carevault's pages say something.
 */
@Injectable()
export class FlashMessages {
  constructor(
    private readonly cookies: CookieWriter,
    @Inject(SERVICE_CONFIG) private readonly config: GatewayConfig,
  ) {}

  set(reply: FastifyReply, message: string): void {
    const payload = Buffer.from(message.slice(0, MAX_LENGTH)).toString('base64url');
    this.cookies.set(reply, FLASH_COOKIE, `${payload}.${this.sign(payload)}`, { maxAge: 60 });
  }

  /** The message for this request, if any (and clears it, so a reload does not show it again). */
  take(req: FastifyRequest, reply: FastifyReply): string | undefined {
    const value = readCookie(req, FLASH_COOKIE);
    if (value === undefined) return undefined;
    this.cookies.clear(reply, FLASH_COOKIE);
    const [payload, mac, extra] = value.split('.');
    if (!payload || !mac || extra !== undefined) return undefined;
    const expected = Buffer.from(this.sign(payload));
    const given = Buffer.from(mac);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return undefined;
    return Buffer.from(payload, 'base64url').toString('utf8');
  }

  private sign(payload: string): string {
    return createHmac('sha256', this.config.COOKIE_SECRET).update(`${FLASH_COOKIE}\u0000${payload}`).digest('base64url');
  }
}
