import type { LoggerService } from '@nestjs/common';
import pino, { type Logger } from 'pino';

/** Paths never written to a log: secrets, credentials and health data. */
export const REDACT_PATHS = [
  'password',
  '*.password',
  'clientSecret',
  '*.clientSecret',
  'client_secret',
  '*.client_secret',
  'webhookSecret',
  '*.webhookSecret',
  'answer',
  '*.answer',
  'pickupCode',
  '*.pickupCode',
  'code',
  '*.code',
  'code_verifier',
  '*.code_verifier',
  'access_token',
  '*.access_token',
  'refresh_token',
  '*.refresh_token',
  'device_code',
  '*.device_code',
  'user_code',
  '*.user_code',
  'token',
  '*.token',
  'sessionToken',
  '*.sessionToken',
  'resource',
  '*.resource',
  'ticket',
  '*.ticket',
  'question',
  '*.question',
  'friendlyName',
  '*.friendlyName',
  'pickupUrl',
  '*.pickupUrl',
  'req.headers.authorization',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
  'headers.authorization',
  'headers.cookie',
];

export function createLogger(service: string, level = process.env.LOG_LEVEL ?? 'info'): Logger {
  return pino({
    level,
    base: { service },
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
  });
}

/** Nest's LoggerService on top of pino, so Nest's own messages are structured too. */
export class NestPinoLogger implements LoggerService {
  constructor(private readonly logger: Logger) {}

  log(message: unknown, context?: string): void {
    this.write('info', message, context);
  }
  error(message: unknown, traceOrContext?: string, context?: string): void {
    const ctx = context ?? (traceOrContext && !traceOrContext.includes('\n') ? traceOrContext : undefined);
    this.write('error', message, ctx);
  }
  warn(message: unknown, context?: string): void {
    this.write('warn', message, context);
  }
  debug(message: unknown, context?: string): void {
    this.write('debug', message, context);
  }
  verbose(message: unknown, context?: string): void {
    this.write('trace', message, context);
  }

  private write(level: 'info' | 'error' | 'warn' | 'debug' | 'trace', message: unknown, context?: string): void {
    if (message instanceof Error) this.logger[level]({ context, err: message }, message.message);
    else if (typeof message === 'object' && message !== null) this.logger[level]({ context, ...message });
    else this.logger[level]({ context }, String(message));
  }
}
