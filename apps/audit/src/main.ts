import 'reflect-metadata';
import { createLogger, loadConfig, runMain, startService } from '@carevault/platform';
import { AppModule } from './app.module';
import { AuditEnv } from './config';

runMain('audit', async () => {
  const config = loadConfig('audit', AuditEnv);
  const logger = createLogger('audit', config.LOG_LEVEL);
  await startService('audit', AppModule.register(config, logger), config.NATS_URL, logger);
});
