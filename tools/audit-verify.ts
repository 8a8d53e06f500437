// Walks every hash chain of the audit trail in DATABASE_URL and names the first broken entry (exit 1).
// Usage: npm run audit:verify [-- --record <recordId>]
import 'reflect-metadata';
import type { VerifyAuditResponse } from '@carevault/contracts';
import { join } from 'node:path';
import { Client } from 'pg';

type Sql = <T = Record<string, unknown>>(text: string, params?: unknown[]) => Promise<T[]>;
interface VerifyModule {
  verifyChains(sql: Sql, o: { recordId?: string; onProgress?: (checked: number, total: number) => void }): Promise<VerifyAuditResponse>;
}

// The verification is the audit service's own code, loaded at run time (tools may not import apps statically).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { verifyChains } = require(join(__dirname, '../apps/audit/src/verify/verify')) as VerifyModule;

const n = (x: number) => x.toLocaleString('en-US');

export async function auditVerify(url: string, out: (line: string) => void, recordId?: string): Promise<boolean> {
  const client = new Client({ connectionString: url, application_name: 'carevault-audit-verify' });
  await client.connect();
  try {
    const sql: Sql = async (text, params) => (await client.query(text, params)).rows;
    const started = Date.now();
    let shown = 0;
    const result = await verifyChains(sql, {
      recordId,
      onProgress: (checked, total) => {
        if (Date.now() - shown < 2000 || checked === total) return;
        shown = Date.now();
        out(`audit: ${n(checked)} of ${n(total)} entries checked (${Math.floor((checked / Math.max(total, 1)) * 100)}%)`);
      },
    });
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    const scope = `${n(result.entries)} entries in ${n(result.chains)} chain${result.chains === 1 ? '' : 's'}`;
    if (result.ok) {
      out(`audit: ${scope} verified — OK (${seconds} s)`);
      return true;
    }
    out(`audit: BROKEN — chain ${result.chainKey}, entry seq ${result.seq ?? '-'}, event ${result.eventId ?? '-'}: ${result.problem}`);
    out(`audit:   expected ${result.expected ?? '(nothing)'}, found ${result.found ?? '(nothing)'}; ${scope} were intact before it`);
    return false;
  } finally {
    await client.end();
  }
}

if (require.main === module) {
  const url = process.env.DATABASE_URL || 'postgres://root@127.0.0.1:5432/carevault';
  const i = process.argv.indexOf('--record');
  const recordId = i > 0 ? process.argv[i + 1] : undefined;
  auditVerify(url, (line) => process.stdout.write(`${line}\n`), recordId).then(
    (ok) => process.exit(ok ? 0 : 1),
    (err: Error) => {
      process.stderr.write(`audit: cannot verify: ${err.message}\n`);
      process.exit(2);
    },
  );
}
