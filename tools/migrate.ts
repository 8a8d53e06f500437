// Runs every service's committed migrations against DATABASE_URL (creating the database if missing).
import 'reflect-metadata';
import { ensureDatabase, runMigrations, type MigrationSet } from '@carevault/platform';
import * as audit from '../apps/audit/src/database';
import * as connectRequest from '../apps/connect-request/src/database';
import * as consent from '../apps/consent/src/database';
import * as identity from '../apps/identity/src/database';
import * as partnerPush from '../apps/partner-push/src/database';
import * as recordStore from '../apps/record-store/src/database';

export const ALL_MIGRATIONS: MigrationSet[] = [identity, consent, connectRequest, recordStore, audit, partnerPush].map((m) => ({
  schema: m.SCHEMA,
  migrations: m.MIGRATIONS,
}));

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
