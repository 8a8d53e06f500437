import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Provider } from 'oidc-provider';
import { correlationIdOf } from '../http-logging';
import type { OAuthSettings } from './oauth.config';
import { OAUTH_PROVIDER, OAUTH_SETTINGS } from './oauth.tokens';
import { INTERACTION_PATH } from './provider.factory';
import { asPublicRequest } from './public-request';

const DISCOVERY = '/.well-known/oauth-authorization-server';

/** oidc-provider's paths: /oauth/* (but our interaction pages), RFC 8414 discovery, and /device (RFC 8628 verification). */
export function isProviderPath(path: string): boolean {
  if (path.startsWith(`${INTERACTION_PATH}/`) || path === INTERACTION_PATH) return false;
  return path.startsWith('/oauth/') || path === DISCOVERY || path === '/device' || path.startsWith('/device/');
}

/**
 * Mounts oidc-provider in front of Nest's routes (middie, like the prototype): it reads its own bodies,
 * so it must see requests before Fastify parses them. Call before app.init(); a no-op when OAuth is off.
 */
export function mountOAuth(app: NestFastifyApplication): void {
  let provider: Provider | null = null;
  try {
    provider = app.get<Provider | null>(OAUTH_PROVIDER, { strict: false });
  } catch {
    provider = null;
  }
  if (!provider) return;
  const settings = app.get<OAuthSettings>(OAUTH_SETTINGS, { strict: false });
  const callback = provider.callback();
  app.use((req: IncomingMessage, res: ServerResponse, next: () => void) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    if (!isProviderPath(path)) return next();
    const id = (req as IncomingMessage & { id?: string }).id ?? correlationIdOf(req); // middie copies Fastify's request id
    req.headers['x-correlation-id'] = id;
    res.setHeader('x-correlation-id', id);
    return callback(asPublicRequest(req, settings), res);
  });
}
