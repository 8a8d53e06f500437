import type { RpcClient } from '@carevault/platform';
import { IdentityCmd } from '@carevault/contracts';
import type { Configuration, KoaContextWithOIDC, Provider } from 'oidc-provider';
import type { Logger } from 'pino';
import { installDeviceFlow } from '../device/device-flow';
import { instanceNameParam } from '../device/instance-name';
import { createAdapterClass } from './adapter';
import { CLIENT_KIND, EXTRA_CLIENT_METADATA } from './client-metadata';
import { JwtAccessTokens } from './jwt-tokens';
import type { OAuthSettings } from './oauth.config';
import { Provider as OidcProvider, errors, takeNotices } from './oidc';
import { interactionPolicyOf } from './policy';
import { renderError, successSource, userCodeConfirmSource, userCodeInputSource } from './provider-pages';
import { customizeJwt, extraTokenClaims } from './token-claims';
import { tokenEndpointMiddleware } from './token-endpoint';

export const INTERACTION_PATH = '/oauth/interaction';
/** The one resource server: the partner API. Its scope is nominal; a token's real scope is its SMART `scope` claim. */
export const API_RESOURCE_SCOPE = 'carevault';

export const TTL = {
  onlineAccessToken: 15 * 60,
  deviceAccessToken: 10 * 60,
  clientCredentials: 10 * 60,
  authorizationCode: 60,
  deviceCode: 10 * 60,
  interaction: 30 * 60,
  session: 12 * 3600,
  refreshToken: 30 * 24 * 3600,
  webGrant: 3600,
  deviceGrant: 365 * 24 * 3600,
};

const isDevice = (client: { metadata(): Record<string, unknown> } | undefined) => client?.metadata()[CLIENT_KIND] === 'device';

export const grantTtlFor = (kind: 'web' | 'device') => (kind === 'device' ? TTL.deviceGrant : TTL.webGrant);

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Runs for every authorization and device authorization request (oidc-provider calls extraParams
 * validators whether the parameter is present or not). Our requests carry no `scope` (API.md): the
 * nominal API scope is added so that oidc-provider sees something granted; what a token may do is its
 * SMART scope from the consent grant. A `record_id` that is not a UUID is dropped (the page lets the
 * person pick).
 */
function requestParams(ctx: KoaContextWithOIDC, value: string | undefined): void {
  const params = ctx.oidc.params as Record<string, unknown>;
  const scopes = new Set(String(params.scope ?? '').split(' ').filter(Boolean));
  scopes.add(API_RESOURCE_SCOPE);
  params.scope = [...scopes].join(' ');
  if (value !== undefined && !UUID.test(value)) params.record_id = undefined;
}

function configuration(settings: OAuthSettings, rpc: RpcClient): Configuration {
  return {
    adapter: createAdapterClass(rpc),
    clients: [],
    clientDefaults: { grant_types: ['authorization_code'], response_types: ['code'], token_endpoint_auth_method: 'client_secret_basic', id_token_signed_response_alg: 'ES256' },
    clientAuthMethods: ['client_secret_basic', 'client_secret_post', 'none'],
    extraClientMetadata: { properties: EXTRA_CLIENT_METADATA },
    extraParams: {
      record_id: requestParams,
      instance_name: instanceNameParam,
    },
    enabledJWA: { idTokenSigningAlgValues: ['ES256'] },
    jwks: { keys: [settings.signingJwk as never] },
    cookies: { keys: settings.cookieKeys, long: { sameSite: 'lax' }, short: { sameSite: 'lax' } },
    findAccount: async (_ctx, sub) => ({ accountId: sub, claims: async () => ({ sub }) }),
    scopes: [],
    responseTypes: ['code'],
    pkce: { required: () => true },
    routes: {
      authorization: '/oauth/authorize',
      token: '/oauth/token',
      revocation: '/oauth/revoke',
      introspection: '/oauth/introspect',
      device_authorization: '/oauth/device_authorization',
      code_verification: '/device',
      jwks: '/oauth/jwks',
      end_session: '/oauth/end_session',
      userinfo: '/oauth/userinfo',
      pushed_authorization_request: '/oauth/par',
      backchannel_authentication: '/oauth/backchannel',
      challenge: '/oauth/challenge',
    },
    interactions: { url: (_ctx, interaction) => `${INTERACTION_PATH}/${interaction.uid}`, policy: interactionPolicyOf() },
    features: {
      devInteractions: { enabled: false },
      userinfo: { enabled: false },
      rpInitiatedLogout: { enabled: false },
      clientCredentials: { enabled: true },
      introspection: { enabled: true, allowedPolicy: async (_ctx, client) => client.clientAuthMethod !== 'none' },
      revocation: { enabled: true, allowedPolicy: async (_ctx, client, token) => token.clientId === client.clientId },
      deviceFlow: { enabled: true, charset: 'base-20', mask: '****-****', userCodeInputSource, userCodeConfirmSource, successSource },
      resourceIndicators: {
        enabled: true,
        defaultResource: async () => settings.audience,
        useGrantedResource: async () => true,
        getResourceServerInfo: async (_ctx, resource) => {
          if (resource !== settings.audience) throw new errors.InvalidTarget();
          return { scope: API_RESOURCE_SCOPE, audience: settings.audience, accessTokenFormat: 'jwt', jwt: { sign: { alg: 'ES256' } } };
        },
      },
    },
    formats: { customizers: { jwt: customizeJwt } },
    extraTokenClaims: extraTokenClaims(rpc),
    issueRefreshToken: async (_ctx, client) => client.grantTypeAllowed('refresh_token'),
    rotateRefreshToken: true,
    // Our tokens are bound to OUR session (the `sid` claim), not to oidc-provider's.
    expiresWithSession: async () => false,
    ttl: {
      AccessToken: (ctx: KoaContextWithOIDC) => (isDevice(ctx?.oidc?.client) ? TTL.deviceAccessToken : TTL.onlineAccessToken),
      ClientCredentials: TTL.clientCredentials,
      AuthorizationCode: TTL.authorizationCode,
      DeviceCode: TTL.deviceCode,
      Interaction: TTL.interaction,
      Session: TTL.session,
      RefreshToken: TTL.refreshToken,
      Grant: (ctx: KoaContextWithOIDC) => (isDevice(ctx?.oidc?.client) ? TTL.deviceGrant : TTL.webGrant),
    },
    renderError,
  };
}

/** Hashed client secrets: identity compares (IdentityCmd.VerifyClientSecret); the metadata only holds a placeholder. */
function installClientSecretCheck(provider: Provider, rpc: RpcClient): void {
  provider.Client.prototype.compareClientSecret = async function compare(this: { clientId: string }, actual: string): Promise<boolean> {
    const { valid } = await rpc.request(IdentityCmd.VerifyClientSecret, { clientId: this.clientId, clientSecret: actual });
    return valid;
  };
}

/** oidc-provider prints notices with console.info/warn while it is built: route them through pino. */
function withConsoleToLogger<T>(logger: Logger, build: () => T): T {
  const { info, warn } = console;
  console.info = (...args: unknown[]) => logger.info({ context: 'oidc-provider' }, args.map(String).join(' '));
  console.warn = (...args: unknown[]) => logger.warn({ context: 'oidc-provider' }, args.map(String).join(' '));
  try {
    return build();
  } finally {
    console.info = info;
    console.warn = warn;
  }
}

const LOGGED_ERRORS = ['authorization.error', 'grant.error', 'introspection.error', 'revocation.error', 'device_authorization.error', 'code_verification.error', 'jwks.error', 'discovery.error'] as const;

export function createProvider(settings: OAuthSettings, rpc: RpcClient, logger: Logger): Provider {
  const provider = withConsoleToLogger(logger, () => new OidcProvider(settings.issuer, configuration(settings, rpc)));
  for (const notice of takeNotices()) logger.warn({ context: 'oidc-provider' }, notice);
  provider.proxy = true;
  installClientSecretCheck(provider, rpc);
  provider.use(tokenEndpointMiddleware(rpc, new JwtAccessTokens(rpc, settings), logger));
  installDeviceFlow(provider, rpc, logger);
  provider.on('server_error', (_ctx: unknown, err: Error) => logger.error({ err: { message: err.message, stack: err.stack } }, 'oauth server error'));
  const events = provider as unknown as NodeJS.EventEmitter;
  for (const event of LOGGED_ERRORS) {
    events.on(event, (_ctx: unknown, err: { error?: string; error_description?: string }) =>
      logger.info({ oauth: { event, error: err.error, description: err.error_description } }, 'oauth request refused'),
    );
  }
  provider.on('grant.revoked', (_ctx: unknown, grantId: string) => logger.info({ oauth: { grantId } }, 'oauth grant revoked'));
  return provider;
}

