import type { FastifyReply } from 'fastify';
import type { SafeHtml } from './html';

export function sendHtml(reply: FastifyReply, page: SafeHtml, status = 200): FastifyReply {
  return reply.status(status).header('content-type', 'text/html; charset=utf-8').header('cache-control', 'no-store').send(page.value);
}

/** POST-redirect-GET and sign-in redirects: always 303, so the browser follows with a GET. */
export function seeOther(reply: FastifyReply, location: string): FastifyReply {
  return reply.status(303).header('location', location).header('cache-control', 'no-store').send();
}

/** A page that needs a signed-in person was asked for without one. */
export class SignInRequiredException extends Error {
  constructor(readonly next: string) {
    super('sign-in required');
    this.name = 'SignInRequiredException';
  }
}

/** A form POST without a `_csrf` token matching the browser's cv_csrf cookie. */
export class CsrfRejectedException extends Error {
  constructor() {
    super('CSRF token missing or wrong');
    this.name = 'CsrfRejectedException';
  }
}
