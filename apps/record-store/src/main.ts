import 'reflect-metadata';
import { createLogger, loadConfig, runMain, startService } from '@carevault/platform';
import { AppModule } from './app.module';
import { RecordStoreEnv } from './config';

runMain('record-store', async () => {
  const config = loadConfig('record-store', RecordStoreEnv);
  const logger = createLogger('record-store', config.LOG_LEVEL);
  await startService('record-store', AppModule.register(config, logger), config.NATS_URL, logger);
});
