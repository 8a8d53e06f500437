// Configuration from the environment, checked at start: one message naming every missing or bad variable.

export interface PharmacyConfig {
  /** Carevault's gateway, e.g. http://localhost:8080 */
  carevaultUrl: string;
  clientId: string;
  clientSecret: string;
  /** The application's `whsec_…` webhook secret, shown once at registration. */
  webhookSecret: string;
  port: number;
  host: string;
  /** Where the pharmacy keeps the records it is linked to and the webhook ids it has handled. */
  stateFile: string;
  /** What the demo pharmacy "dispensed" and pushes when a person links their record. */
  medication: string;
  /** The pharmacy's address as people's browsers reach it (its OAuth redirect URI is `<publicUrl>/callback`). */
  publicUrl: string;
}

export interface RegisterConfig {
  carevaultUrl: string;
  adminToken: string;
  name: string;
  /** The pharmacy's own address as Carevault reaches it; the webhook URL is `<publicUrl>/webhooks/carevault`. */
  publicUrl: string;
  redirectUris: string[];
  port: number;
}

export class ConfigError extends Error {}

type Env = Record<string, string | undefined>;

function reader(env: Env) {
  const problems: string[] = [];
  const required = (name: string): string => {
    const value = env[name]?.trim();
    if (!value) problems.push(`${name} is required`);
    return value ?? '';
  };
  const url = (name: string, fallback?: string): string => {
    const value = env[name]?.trim() || fallback || required(name);
    if (value && !/^https?:\/\/[^/]/.test(value)) problems.push(`${name} must be an http(s) URL`);
    return value.replace(/\/+$/, '');
  };
  const port = (): number => {
    const value = Number(env.PORT ?? '4000');
    if (!Number.isInteger(value) || value < 0 || value > 65535) problems.push('PORT must be a port number');
    return value;
  };
  const done = <T>(config: T): T => {
    if (problems.length) throw new ConfigError(`pharmacy: bad configuration:\n  ${problems.join('\n  ')}`);
    return config;
  };
  const problem = (message: string): void => void problems.push(message);
  return { required, url, port, problem, done };
}

export function loadConfig(env: Env, defaultStateFile: string): PharmacyConfig {
  const r = reader(env);
  const webhookSecret = r.required('WEBHOOK_SECRET');
  const port = r.port();
  const config = {
    carevaultUrl: r.url('CAREVAULT_URL', 'http://localhost:8080'),
    clientId: r.required('CLIENT_ID'),
    clientSecret: r.required('CLIENT_SECRET'),
    webhookSecret,
    port,
    host: env.HOST?.trim() || '127.0.0.1',
    stateFile: env.STATE_FILE?.trim() || defaultStateFile,
    medication: env.MEDICATION?.trim() || 'Amoxicillin 500 mg capsules, one three times a day for 7 days',
    publicUrl: r.url('PHARMACY_URL', `http://localhost:${port}`),
  };
  if (webhookSecret && !webhookSecret.startsWith('whsec_')) r.problem('WEBHOOK_SECRET must be the whsec_… secret shown at registration');
  return r.done(config);
}

export function loadRegisterConfig(env: Env): RegisterConfig {
  const r = reader(env);
  const port = r.port();
  const publicUrl = r.url('PHARMACY_URL', `http://localhost:${port}`);
  return r.done({
    carevaultUrl: r.url('CAREVAULT_URL', 'http://localhost:8080'),
    adminToken: r.required('ADMIN_TOKEN'),
    name: env.APP_NAME?.trim() || 'Contoso Pharmacy',
    publicUrl,
    redirectUris: (env.REDIRECT_URIS?.trim() || `${publicUrl}/callback`).split(',').map((u) => u.trim()),
    port,
  });
}
