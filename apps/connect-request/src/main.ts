import 'reflect-metadata';
import { createLogger, loadConfig, runMain, startService } from '@carevault/platform';
import { AppModule } from './app.module';
import { ConnectRequestEnv } from './config';

runMain('connect-request', async () => {
  const config = loadConfig('connect-request', ConnectRequestEnv);
  const logger = createLogger('connect-request', config.LOG_LEVEL);
  await startService('connect-request', AppModule.register(config, logger), config.NATS_URL, logger);
});
