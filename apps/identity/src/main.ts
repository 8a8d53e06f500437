import 'reflect-metadata';
import { createLogger, loadConfig, runMain, startService } from '@carevault/platform';
import { AppModule } from './app.module';
import { IdentityEnv } from './config';

runMain('identity', async () => {
  const config = loadConfig('identity', IdentityEnv);
  const logger = createLogger('identity', config.LOG_LEVEL);
  await startService('identity', AppModule.register(config, logger), config.NATS_URL, logger);
});
