import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { NestPinoLogger, cacheValidationMetadata } from '@carevault/platform';
import type { Logger } from 'pino';
import { AppModule } from './app.module';
import { type GatewayConfig, isSecureOrigin } from './config';
import { GatewayLogController, correlationIdOf, installCorrelationHeader } from './http-logging';
import { mountOAuth } from './oauth/mount';
import { setupOpenApi } from './openapi';

export const BODY_LIMIT_BYTES = 1024 * 1024;

export interface GatewayOptions {
  /**
   * Serve Swagger UI at /api/docs (default). Its assets come through @fastify/static, which jest's CommonJS
   * runtime cannot load (ESM dependencies): in-process tests turn it off; /api/docs-json is served either way.
   */
  swaggerUi?: boolean;
}

/** Builds the gateway (Fastify, plugins, security headers, OpenAPI) and initializes it; the caller listens or injects. */
export async function createGateway(config: GatewayConfig, logger: Logger, options: GatewayOptions = {}): Promise<NestFastifyApplication> {
  cacheValidationMetadata();
  const adapter = new FastifyAdapter({
    loggerInstance: logger,
    logController: new GatewayLogController(),
    bodyLimit: BODY_LIMIT_BYTES,
    requestIdHeader: false,
    genReqId: correlationIdOf,
  });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.register(config, logger), adapter, {
    logger: new NestPinoLogger(logger),
    return503OnClosing: true,
    abortOnError: false,
  });
  const fastify = app.getHttpAdapter().getInstance();
  // JSON and forms only: without this, text/plain bodies reach handlers as strings instead of a 415.
  fastify.removeContentTypeParser('text/plain');
  // FHIR's own media type is JSON too (partner data API).
  fastify.addContentTypeParser('application/fhir+json', { parseAs: 'string' }, fastify.getDefaultJsonParser('error', 'error'));
  installCorrelationHeader(fastify);
  app.useSecurityHeaders({
    contentSecurityPolicy: {
      directives: {
        upgradeInsecureRequests: isSecureOrigin(config) ? true : null,
        // The consent and device forms answer with a redirect to the partner's registered redirect URI;
        // browsers apply form-action to that redirect, so 'self' would block every authorization.
        formAction: null,
      },
    },
    strictTransportSecurity: isSecureOrigin(config),
  });
  setupOpenApi(app, config, options.swaggerUi ?? true);
  mountOAuth(app);
  await app.init();
  return app;
}
