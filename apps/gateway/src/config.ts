import { BaseEnv, loadConfig } from '@carevault/platform';
import { IsOptional, IsString, IsUrl, Matches } from 'class-validator';

export class GatewayEnv extends BaseEnv {
  @Matches(/^\d{1,5}$/, { message: 'PORT must be a port number' })
  PORT = '8080';

  /** The origin people and partners reach the gateway at; `https://` makes the cookies Secure. */
  @IsOptional()
  @IsUrl({ require_tld: false, require_protocol: true, protocols: ['http', 'https'] }, { message: 'PUBLIC_URL must be an http:// or https:// URL' })
  PUBLIC_URL?: string;

  /** Bearer token of the operator API. */
  @Matches(/^\S{16,}$/, { message: 'ADMIN_TOKEN is required: at least 16 characters, no spaces' })
  ADMIN_TOKEN: string;

  /** Key of the HMAC that binds each form's CSRF token to the browser's cv_csrf cookie. */
  @Matches(/^.{32,}$/s, { message: 'COOKIE_SECRET is required: at least 32 characters' })
  COOKIE_SECRET: string;

  /** Signs the tokens the gateway issues (OAuth work, not used yet). */
  @IsOptional()
  @IsString()
  TOKEN_SIGNING_KEY?: string;
}

/** The validated environment, with PUBLIC_URL defaulted from PORT and without a trailing slash. */
export type GatewayConfig = GatewayEnv & { PUBLIC_URL: string };

export function loadGatewayConfig(env: NodeJS.ProcessEnv = process.env): GatewayConfig {
  const config = loadConfig('gateway', GatewayEnv, env);
  const publicUrl = (config.PUBLIC_URL ?? `http://localhost:${config.PORT}`).replace(/\/+$/, '');
  return Object.assign(config, { PUBLIC_URL: publicUrl });
}

export function isSecureOrigin(config: GatewayConfig): boolean {
  return config.PUBLIC_URL.startsWith('https://');
}
