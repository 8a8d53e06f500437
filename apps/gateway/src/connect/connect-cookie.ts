import { Injectable } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { CookieWriter, readCookie } from '../web/cookies';

export const CONNECT_COOKIE = 'cv_connect';
const PATH = '/connect';
const VALUE = /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\.([A-Za-z0-9_-]{16,100})$/i;

/** A pickup in progress: the connect-request ticket and the application it is for (to name it on the lock page). */
export interface Pickup {
  appId: string;
  ticket: string;
}

export function encodePickup(p: Pickup): string {
  return `${p.appId}.${p.ticket}`;
}

export function decodePickup(value: string | undefined): Pickup | null {
  const m = value === undefined ? null : VALUE.exec(value);
  return m ? { appId: m[1]!, ticket: m[2]! } : null;
}

/**
 * The ticket of a pickup lives in a short-lived HttpOnly, SameSite=Lax cookie scoped to /connect:
 * never in a URL or in the page. The ticket alone is useless to anyone else (connect-request binds it
 * to the person who entered the code).
 */
@Injectable()
export class ConnectCookie {
  constructor(private readonly cookies: CookieWriter) {}

  read(req: FastifyRequest): Pickup | null {
    return decodePickup(readCookie(req, CONNECT_COOKIE));
  }

  set(reply: FastifyReply, pickup: Pickup, expiresAt: string): void {
    const expires = new Date(expiresAt);
    this.cookies.set(reply, CONNECT_COOKIE, encodePickup(pickup), { path: PATH, ...(Number.isNaN(expires.getTime()) ? {} : { expires }) });
  }

  clear(reply: FastifyReply): void {
    this.cookies.set(reply, CONNECT_COOKIE, '', { path: PATH, maxAge: 0, expires: new Date(0) });
  }
}
