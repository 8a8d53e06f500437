import 'reflect-metadata';
import { createLogger, runMain } from '@carevault/platform';
import { createGateway } from './app';
import { loadGatewayConfig } from './config';

runMain('gateway', async () => {
  const config = loadGatewayConfig();
  const logger = createLogger('gateway', config.LOG_LEVEL);
  const app = await createGateway(config, logger);
  app.enableShutdownHooks();
  await app.listen({ port: Number(config.PORT), host: '0.0.0.0' });
  logger.info({ pid: process.pid, port: Number(config.PORT), url: config.PUBLIC_URL }, `gateway ready at ${config.PUBLIC_URL}`);
});
