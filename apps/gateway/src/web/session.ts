import { type CanActivate, type ExecutionContext, Injectable, createParamDecorator } from '@nestjs/common';
import { ErrorCode, IdentityCmd, type IssuedSession, type ResolveSessionResponse } from '@carevault/contracts';
import { RpcClient, RpcError } from '@carevault/platform';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { CookieWriter, SESSION_COOKIE, readCookie } from './cookies';
import { SignInRequiredException } from './page';

export type SignedInSession = ResolveSessionResponse;

const signedIn = new WeakMap<FastifyRequest, SignedInSession>();
const TOKEN = /^[\x21-\x7e]{1,200}$/;

/** The session cookie holds identity's opaque session token; identity decides whether it is still valid. */
@Injectable()
export class SessionService {
  constructor(
    private readonly rpc: RpcClient,
    private readonly cookies: CookieWriter,
  ) {}

  tokenOf(req: FastifyRequest): string | undefined {
    const token = readCookie(req, SESSION_COOKIE);
    return token !== undefined && TOKEN.test(token) ? token : undefined;
  }

  /** The signed-in person, or null when there is no cookie or identity no longer knows the session. */
  async resolve(req: FastifyRequest): Promise<SignedInSession | null> {
    const token = this.tokenOf(req);
    if (!token) return null;
    try {
      return await this.rpc.request(IdentityCmd.ResolveSession, { token }, { correlationId: req.id });
    } catch (err) {
      if (err instanceof RpcError && (err.code === ErrorCode.UNAUTHENTICATED || err.code === ErrorCode.VALIDATION_FAILED)) return null;
      throw err;
    }
  }

  start(reply: FastifyReply, session: IssuedSession): void {
    const expires = new Date(session.expiresAt);
    this.cookies.set(reply, SESSION_COOKIE, session.token, Number.isNaN(expires.getTime()) ? {} : { expires });
  }

  /** Ends the session in identity (so online tokens issued under it die too), then forgets the cookie. */
  async end(req: FastifyRequest, reply: FastifyReply): Promise<void> {
    const token = this.tokenOf(req);
    if (token) await this.rpc.request(IdentityCmd.SignOut, { token }, { correlationId: req.id });
    this.clear(reply);
  }

  clear(reply: FastifyReply): void {
    this.cookies.clear(reply, SESSION_COOKIE);
  }
}

/** Lets a page through only with a live session; otherwise the page filter redirects to /signin?next=<this page>. */
@Injectable()
export class SignedInGuard implements CanActivate {
  constructor(private readonly sessions: SessionService) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const req = ctx.switchToHttp().getRequest<FastifyRequest>();
    const session = await this.sessions.resolve(req);
    if (!session) {
      if (this.sessions.tokenOf(req)) this.sessions.clear(ctx.switchToHttp().getResponse<FastifyReply>());
      const path = req.url.split('?')[0] ?? '/';
      throw new SignInRequiredException(req.method === 'GET' ? req.url : path);
    }
    signedIn.set(req, session);
    return true;
  }
}

/** The session SignedInGuard found for this request. */
export const SignedIn = createParamDecorator((_: unknown, ctx: ExecutionContext): SignedInSession => {
  const session = signedIn.get(ctx.switchToHttp().getRequest<FastifyRequest>());
  if (!session) throw new Error('@SignedIn() needs @UseGuards(SignedInGuard)');
  return session;
});
