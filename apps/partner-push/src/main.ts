import 'reflect-metadata';
import { createLogger, loadConfig, runMain, startService } from '@carevault/platform';
import { AppModule } from './app.module';
import { PartnerPushEnv } from './config';

runMain('partner-push', async () => {
  const config = loadConfig('partner-push', PartnerPushEnv);
  const logger = createLogger('partner-push', config.LOG_LEVEL);
  await startService('partner-push', AppModule.register(config, logger), config.NATS_URL, logger);
});
