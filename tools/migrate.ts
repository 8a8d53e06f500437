// Runs every service's committed migrations against DATABASE_URL (creating the database if missing).
import 'reflect-metadata';
import { NATS_SERVICES } from '@carevault/contracts';
import { ensureDatabase, runMigrations, type MigrationSet } from '@carevault/platform';

/** Each service owns its migrations (apps/<service>/src/database.ts); this tool only runs them all, in order. */
export const ALL_MIGRATIONS: MigrationSet[] = NATS_SERVICES.map((service) => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const m = require(`../apps/${service}/src/database`) as { SCHEMA: string; MIGRATIONS: MigrationSet['migrations'] };
  return { schema: m.SCHEMA, migrations: m.MIGRATIONS };
});

function masked(url: string): string {
  const u = new URL(url);
  if (u.password) u.password = '****';
  return u.toString();
}

export async function migrateAll(url: string, log: (line: string) => void = () => undefined): Promise<void> {
  if (await ensureDatabase(url)) log(`migrate: created database ${new URL(url).pathname.slice(1)}`);
  for (const set of ALL_MIGRATIONS) {
    const ran = await runMigrations(url, set);
    log(`migrate: ${set.schema}: ${ran.length ? ran.join(', ') : 'up to date'}`);
  }
}

if (require.main === module) {
  const url = process.env.DATABASE_URL || 'postgres://root@127.0.0.1:5432/carevault';
  const log = (line: string) => process.stdout.write(`${line}\n`);
  log(`migrate: ${masked(url)}`);
  migrateAll(url, log).then(
    () => log('migrate: done'),
    (err: Error) => {
      process.stderr.write(`migrate: failed: ${err.message}\n`);
      process.exit(1);
    },
  );
}
