import type { IncomingMessage } from 'node:http';
import type { OAuthSettings } from './oauth.config';

/**
 * oidc-provider builds every URL (discovery, redirects, cookies' Secure flag) from the request. Present
 * each request as arriving at PUBLIC_URL, whatever host or proxy it came through (provider.proxy = true
 * makes it read these headers), so that the issuer and every endpoint are PUBLIC_URL's.
 */
export function asPublicRequest(req: IncomingMessage, settings: Pick<OAuthSettings, 'issuer'>): IncomingMessage {
  const url = new URL(settings.issuer);
  req.headers['x-forwarded-host'] = url.host;
  req.headers['x-forwarded-proto'] = url.protocol.replace(/:$/, '');
  return req;
}
