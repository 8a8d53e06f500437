import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type { GatewayConfig } from './config';

export const DOCS_PATH = 'api/docs';

/** Serves the OpenAPI document at /api/docs-json and Swagger UI at /api/docs. */
export function setupOpenApi(app: NestFastifyApplication, config: GatewayConfig, ui = true): void {
  const document = new DocumentBuilder()
    .setTitle('Carevault API')
    .setDescription(
      'Partner, operator and health endpoints of the Carevault gateway. Errors are RFC 9457 problem details ' +
        '(application/problem+json) with a stable `code`.',
    )
    .setVersion('1')
    .addServer(config.PUBLIC_URL)
    .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'The operator token (ADMIN_TOKEN).' }, 'operator')
    .build();
  SwaggerModule.setup(DOCS_PATH, app, () => SwaggerModule.createDocument(app, document), {
    customSiteTitle: 'Carevault API',
    jsonDocumentUrl: `${DOCS_PATH}-json`,
    raw: ['json'],
    ui,
  });
}
