import { type DynamicModule, Logger, Module } from '@nestjs/common';
import { PINO_LOGGER, RpcClient } from '@carevault/platform';
import type { Logger as Pino } from 'pino';
import type { GatewayConfig } from '../config';
import { WebModule } from '../web/web.module';
import { ConsentFlowService } from './consent-flow.service';
import { InteractionController } from './interaction.controller';
import { loadOAuthSettings, oauthEnabled } from './oauth.config';
import { OAUTH_PROVIDER, OAUTH_SETTINGS } from './oauth.tokens';
import { createProvider } from './provider.factory';

/**
 * The OAuth 2.0 authorization server (oidc-provider) with our sign-in and consent pages. Its routes are
 * mounted by mountOAuth() from createGateway(); everything durable lives in identity.
 */
@Module({})
export class OAuthModule {
  static register(config: GatewayConfig): DynamicModule {
    if (!oauthEnabled(config)) {
      new Logger('oauth').warn('OAuth endpoints are off: set TOKEN_SIGNING_KEY (or OAUTH_ENABLED=true) to turn them on');
      return { module: OAuthModule, providers: [{ provide: OAUTH_PROVIDER, useValue: null }], exports: [OAUTH_PROVIDER] };
    }
    const settings = loadOAuthSettings(config);
    return {
      module: OAuthModule,
      imports: [WebModule],
      controllers: [InteractionController],
      providers: [
        { provide: OAUTH_SETTINGS, useValue: settings },
        { provide: OAUTH_PROVIDER, useFactory: (rpc: RpcClient, logger: Pino) => createProvider(settings, rpc, logger), inject: [RpcClient, PINO_LOGGER] },
        ConsentFlowService,
      ],
      exports: [OAUTH_PROVIDER, OAUTH_SETTINGS],
    };
  }
}
