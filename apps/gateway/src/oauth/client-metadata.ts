import { AccessMode, type ApplicationView } from '@carevault/contracts';
import type { AdapterPayload, ClientMetadata } from 'oidc-provider';
import { smartScope } from './scopes';

export const DEVICE_CODE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';

/**
 * oidc-provider wants a client_secret for confidential clients; ours are stored hashed in identity and
 * checked by IdentityCmd.VerifyClientSecret (see installClientSecretCheck), so the metadata holds a
 * placeholder that is never compared.
 */
export const SECRET_PLACEHOLDER = 'verified-by-identity';

/** Extra client metadata (extraClientMetadata.properties): our application id and kind. */
export const CLIENT_APP_ID = 'cv_app_id';
export const CLIENT_KIND = 'cv_kind';
/** The SMART `system/` scopes of the application's offline rules: the scope of its client_credentials tokens. */
export const CLIENT_SYSTEM_SCOPE = 'cv_system_scope';
export const EXTRA_CLIENT_METADATA = [CLIENT_APP_ID, CLIENT_KIND, CLIENT_SYSTEM_SCOPE];

/**
 * A Carevault application as an OAuth client. web: confidential (client_secret_basic/post), code +
 * PKCE and client_credentials, online tokens without refresh tokens. device: public (`none`),
 * device_code + rotating refresh tokens.
 */
export function clientMetadataOf(app: ApplicationView): AdapterPayload {
  const base: ClientMetadata = {
    client_id: app.clientId,
    client_name: app.name,
    [CLIENT_APP_ID]: app.appId,
    [CLIENT_KIND]: app.kind,
    [CLIENT_SYSTEM_SCOPE]: smartScope(app.rules, 'system', [AccessMode.Offline]),
  };
  if (app.kind === 'device') {
    return { ...base, redirect_uris: [], response_types: [], grant_types: [DEVICE_CODE_GRANT, 'refresh_token'], token_endpoint_auth_method: 'none' };
  }
  return {
    ...base,
    client_secret: SECRET_PLACEHOLDER,
    redirect_uris: app.redirectUris,
    response_types: ['code'],
    grant_types: ['authorization_code', 'client_credentials'],
    token_endpoint_auth_method: 'client_secret_basic',
  };
}
