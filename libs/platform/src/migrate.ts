import { DataSource, type MixedList } from 'typeorm';
import { dataSourceOptions } from './database';

export interface MigrationSet {
  schema: string;
  migrations: MixedList<Function | string>;
}

/** Creates the schema when missing and runs its pending migrations in one transaction each. Returns the names run. */
export async function runMigrations(url: string, set: MigrationSet): Promise<string[]> {
  const ds = new DataSource({ ...dataSourceOptions({ url, schema: set.schema, entities: [], migrations: set.migrations, poolSize: 2 }) });
  await ds.initialize();
  try {
    await ds.query(`CREATE SCHEMA IF NOT EXISTS "${set.schema}"`);
    const done = await ds.runMigrations({ transaction: 'each' });
    return done.map((m) => m.name);
  } finally {
    await ds.destroy();
  }
}
