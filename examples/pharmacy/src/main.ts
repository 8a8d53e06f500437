// node examples/pharmacy/run.mjs             runs the pharmacy (see README.md for the environment)
// node examples/pharmacy/run.mjs --register  registers it with Carevault (ADMIN_TOKEN) and prints its settings
import { join } from 'node:path';
import { ConfigError, loadConfig, loadRegisterConfig } from './config';
import { jsonLog } from './log';
import { register, settingsOf } from './register';
import { startPharmacy } from './server';

async function main(argv: string[]): Promise<void> {
  if (argv.includes('--register')) {
    const config = loadRegisterConfig(process.env);
    const registered = await register(config);
    process.stderr.write(`Registered ${config.name} (application ${registered.appId}); its webhook URL is ${config.publicUrl}/webhooks/carevault.\n`);
    process.stderr.write('The secrets below are shown once. Run the pharmacy with these variables set:\n\n');
    process.stdout.write(`${settingsOf(config, registered)}\n`);
    return;
  }
  const log = jsonLog();
  const running = await startPharmacy(loadConfig(process.env, join(__dirname, '..', '.state.json')), log);
  const stop = () => {
    log.info('pharmacy stopping');
    void running.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop).once('SIGTERM', stop);
}

main(process.argv.slice(2)).catch((err: unknown) => {
  process.stderr.write(`${err instanceof ConfigError ? err.message : `pharmacy: ${(err as Error).message}`}\n`);
  process.exit(1);
});
