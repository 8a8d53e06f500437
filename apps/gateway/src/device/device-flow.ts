import { ErrorCode, IdentityCmd } from '@carevault/contracts';
import { type RpcClient, RpcError } from '@carevault/platform';
import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { DeviceCode, KoaContextWithOIDC, Provider } from 'oidc-provider';
import type { Logger } from 'pino';
import { CLIENT_KIND } from '../oauth/client-metadata';
import { Provider as OidcProvider, errors } from '../oauth/oidc';
import { SESSION_COOKIE, readCookie } from '../web/cookies';
import { clientAddressKey } from '@carevault/platform';

/** RFC 8628 `interval`: the seconds a device waits between polls (slow_down adds 5 for that device code). */
export const POLL_INTERVAL_SECONDS = 5;
const VERIFICATION_PATH = '/device';
const PERSON = 'cvPersonId';
const TOKEN = /^[\x21-\x7e]{1,200}$/;

type Next = () => Promise<void>;

/** A person (or an address) entered too many wrong user codes: rendered as a plain "too many tries" page (429). */
export class UserCodeRateLimited extends Error {
  readonly statusCode = 429;
  readonly status = 429;
  readonly expose = true;
  readonly error_description = 'too many codes entered; try again later';

  constructor() {
    super('too_many_requests');
    this.name = 'UserCodeRateLimited';
  }
}

const correlationIdOf = (ctx: KoaContextWithOIDC): string | undefined => ctx.get('x-correlation-id') || undefined;

async function signedInPersonId(rpc: RpcClient, req: IncomingMessage, correlationId: string | undefined): Promise<string | null> {
  const token = readCookie(req, SESSION_COOKIE);
  if (!token || !TOKEN.test(token)) return null;
  try {
    return (await rpc.request(IdentityCmd.ResolveSession, { token }, { correlationId })).person.id;
  } catch (err) {
    if (err instanceof RpcError && (err.code === ErrorCode.UNAUTHENTICATED || err.code === ErrorCode.VALIDATION_FAILED)) return null;
    throw err;
  }
}

/**
 * In front of oidc-provider's routes: `/device` is for signed-in persons only (so that user-code entries
 * are counted per person, and the consent page follows at once); the device authorization answer gets
 * its `interval`, which oidc-provider leaves out.
 */
export function deviceFlowMiddleware(rpc: RpcClient) {
  return async (ctx: KoaContextWithOIDC, next: Next): Promise<void> => {
    if (ctx.path === VERIFICATION_PATH && (ctx.method === 'GET' || ctx.method === 'POST')) {
      const personId = await signedInPersonId(rpc, ctx.req, correlationIdOf(ctx));
      if (!personId) {
        ctx.redirect(`/signin?next=${encodeURIComponent(ctx.method === 'GET' ? ctx.originalUrl : VERIFICATION_PATH)}`);
        ctx.status = 303;
        ctx.set('cache-control', 'no-store');
        return;
      }
      ctx.state[PERSON] = personId;
    }
    await next();
    const body: unknown = ctx.body;
    if (ctx.oidc?.route === 'device_authorization' && ctx.status === 200 && typeof body === 'object' && body !== null && !Buffer.isBuffer(body)) {
      ctx.body = { ...body, interval: POLL_INTERVAL_SECONDS };
    }
  };
}

type FindByUserCode = (userCode: string, options?: { ignoreExpiration?: boolean }) => Promise<DeviceCode | undefined>;
type FindDeviceCode = (jti: string, options?: { ignoreExpiration?: boolean }) => Promise<DeviceCode | undefined>;

/**
 * Every user-code lookup (the code entry and its confirmation) first reserves an attempt for the person
 * and the client address in identity (PostgreSQL, so that all gateway replicas count together); a code
 * that exists gives its attempt back, so only wrong codes use up the allowance. oidc-provider has no hook
 * here, hence the wrapper around its model's static lookup.
 */
function limitUserCodeEntries(provider: Provider, rpc: RpcClient): void {
  const model = provider.DeviceCode as unknown as { findByUserCode: FindByUserCode };
  const find = model.findByUserCode.bind(model);
  model.findByUserCode = async (userCode, options) => {
    const ctx = OidcProvider.ctx;
    const personId: unknown = ctx?.state[PERSON];
    const correlationId = ctx ? correlationIdOf(ctx) : undefined;
    const clientAddress = clientAddressKey(ctx?.req.socket.remoteAddress);
    const attempt = await rpc.request(IdentityCmd.DeviceCodeAttempt, { ...(typeof personId === 'string' ? { personId } : {}), clientAddress }, { correlationId });
    if (!attempt.allowed || !attempt.attemptId) throw new UserCodeRateLimited();
    const code = await find(userCode, options);
    if (code) await rpc.request(IdentityCmd.ReleaseDeviceCodeAttempt, { attemptId: attempt.attemptId }, { correlationId });
    return code;
  };
}

/**
 * RFC 8628 §3.5 `slow_down`, which oidc-provider does not enforce: a token request for a still-pending
 * device code that comes sooner than the interval after the previous one. Kept in identity, keyed by
 * the code's SHA-256, so that polls spread over gateway replicas are measured together.
 */
function enforcePollingInterval(provider: Provider, rpc: RpcClient): void {
  const model = provider.DeviceCode as unknown as { find: FindDeviceCode };
  const find = model.find.bind(model);
  model.find = async (jti, options) => {
    const code = await find(jti, options);
    const ctx = OidcProvider.ctx;
    if (code && ctx?.oidc.route === 'token' && !code.isExpired && !code.accountId && !code.error) {
      const codeHash = createHash('sha256').update(jti).digest('hex');
      const poll = await rpc.request(IdentityCmd.DeviceCodePoll, { codeHash, intervalSeconds: POLL_INTERVAL_SECONDS }, { correlationId: correlationIdOf(ctx) });
      if (poll.slowDown) throw new errors.SlowDown();
    }
    return code;
  };
}

/** The device flow's additions to oidc-provider; called once from createProvider(). */
export function installDeviceFlow(provider: Provider, rpc: RpcClient, logger: Logger): void {
  provider.use(deviceFlowMiddleware(rpc));
  limitUserCodeEntries(provider, rpc);
  enforcePollingInterval(provider, rpc);
  // Refresh-token reuse or an RFC 7009 revocation ended a device's token chain: its instance is done too.
  provider.on('grant.revoked', (ctx: KoaContextWithOIDC | undefined, oauthGrantId: string) => {
    if (ctx?.oidc?.client?.metadata()[CLIENT_KIND] !== 'device') return;
    void rpc
      .request(IdentityCmd.RevokeDeviceInstanceByOAuthGrant, { oauthGrantId }, { correlationId: correlationIdOf(ctx) })
      .catch((err: unknown) => logger.warn({ err, oauthGrantId }, 'could not revoke the device instance of a revoked grant'));
  });
}
