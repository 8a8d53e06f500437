import { dropDatabase, ensureDatabase } from '@carevault/platform';
import { randomBytes } from 'node:crypto';

export interface TestDatabase {
  url: string;
  drop(): Promise<void>;
}

const SERVER = process.env.TEST_DATABASE_SERVER ?? 'postgres://root@127.0.0.1:5432';

/** A fresh database per suite (`cv_test_<random>`), dropped at the end. */
export async function createTestDatabase(prefix = 'cv_test'): Promise<TestDatabase> {
  const url = `${SERVER}/${prefix}_${randomBytes(5).toString('hex')}`;
  await ensureDatabase(url);
  return { url, drop: () => dropDatabase(url) };
}
