import { plainToInstance } from 'class-transformer';
import { IsIn, IsOptional, IsString, Matches, validateSync, type ValidationError } from 'class-validator';

export class ConfigError extends Error {
  constructor(
    readonly service: string,
    readonly problems: string[],
  ) {
    super(`${service}: invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Variables every service reads. Apps extend this class with their own. */
export class BaseEnv {
  @Matches(/^postgres(ql)?:\/\/.+/, { message: 'DATABASE_URL must be a postgres:// URL' })
  DATABASE_URL = 'postgres://root@127.0.0.1:5432/carevault';

  @Matches(/^(nats|tls|ws|wss):\/\/[^,]+(,(nats|tls|ws|wss):\/\/[^,]+)*$/, {
    message: 'NATS_URL must be one or more nats:// URLs separated by commas',
  })
  NATS_URL = 'nats://127.0.0.1:4222';

  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  LOG_LEVEL = 'info';

  @IsOptional()
  @Matches(/^\d{1,5}$/, { message: 'HEALTH_PORT must be a port number' })
  HEALTH_PORT?: string;

  @IsOptional()
  @IsString()
  NODE_ENV?: string;

  /** Names JetStream streams, so that test runs sharing one NATS server do not meet. */
  @Matches(/^[A-Z0-9_]*$/, { message: 'STREAM_PREFIX must be upper-case letters, digits or _' })
  STREAM_PREFIX = '';

  @Matches(/^\d{1,3}$/, { message: 'DB_POOL_SIZE must be a number' })
  DB_POOL_SIZE = '10';
}

function describe(errors: ValidationError[], prefix = ''): string[] {
  return errors.flatMap((e) => {
    const own = Object.values(e.constraints ?? {}).map((m) => (m.startsWith(e.property) ? m : `${prefix}${e.property}: ${m}`));
    return [...own, ...describe(e.children ?? [], `${prefix}${e.property}.`)];
  });
}

/**
 * Reads and validates the environment once at boot. Unknown variables are ignored; every bad one is
 * listed in one message so that an operator fixes them all at once.
 */
export function loadConfig<T extends object>(service: string, cls: new () => T, env: NodeJS.ProcessEnv = process.env): T {
  const defaults = new cls() as Record<string, unknown>;
  const given: Record<string, unknown> = {};
  for (const key of Object.keys(env)) {
    if (env[key] !== undefined && env[key] !== '') given[key] = env[key];
  }
  const instance = plainToInstance(cls, { ...defaults, ...given }, { exposeDefaultValues: true });
  const errors = validateSync(instance as object, { whitelist: false, skipMissingProperties: false });
  if (errors.length > 0) throw new ConfigError(service, describe(errors));
  return instance;
}
