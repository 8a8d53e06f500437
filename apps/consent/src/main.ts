import 'reflect-metadata';
import { createLogger, loadConfig, runMain, startService } from '@carevault/platform';
import { AppModule } from './app.module';
import { ConsentEnv } from './config';

runMain('consent', async () => {
  const config = loadConfig('consent', ConsentEnv);
  const logger = createLogger('consent', config.LOG_LEVEL);
  await startService('consent', AppModule.register(config, logger), config.NATS_URL, logger);
});
