import { readFile } from 'node:fs/promises';
import type { Pool } from 'pg';

/** CPU time (ms) of named groups of processes, read from /proc/<pid>/stat (utime + stime). */
export type CpuSnapshot = Map<string, Map<number, number>>;

const TICK_MS = 10; // CLK_TCK = 100 on Linux

async function cpuMsOf(pid: number): Promise<number | null> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * TICK_MS;
  } catch {
    return null;
  }
}

export interface CpuSources {
  services: () => Partial<Record<string, number>>;
  natsPid?: number;
  /** Backends of this benchmark's database (the services' pools and the bench's own). */
  pool: Pool;
}

export async function cpuSnapshot(s: CpuSources): Promise<CpuSnapshot> {
  const groups = new Map<string, number[]>();
  for (const [name, pid] of Object.entries(s.services())) if (pid) groups.set(name, [pid]);
  if (s.natsPid) groups.set('nats-server', [s.natsPid]);
  const { rows } = await s.pool.query<{ pid: number; app: string }>(
    `SELECT pid, coalesce(nullif(application_name, ''), 'other') AS app FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()`,
  );
  // One group per client (the services' pools name themselves carevault-<schema>), summed as "postgres" later.
  for (const r of rows) groups.set(`pg:${r.app}`, [...(groups.get(`pg:${r.app}`) ?? []), r.pid]);
  const snap: CpuSnapshot = new Map();
  for (const [name, pids] of groups) {
    const m = new Map<number, number>();
    for (const pid of pids) {
      const ms = await cpuMsOf(pid);
      if (ms !== null) m.set(pid, ms);
    }
    snap.set(name, m);
  }
  const self = process.cpuUsage();
  snap.set('bench process', new Map([[process.pid, (self.user + self.system) / 1000]]));
  return snap;
}

/**
 * CPU ms used per group between two snapshots. A PostgreSQL backend that appeared in between is
 * counted from zero; one that disappeared is lost (pools keep their connections during a run).
 */
export async function cpuSince(before: CpuSnapshot, s: CpuSources): Promise<Record<string, number>> {
  const after = await cpuSnapshot(s);
  const out: Record<string, number> = {};
  for (const [name, pids] of after) {
    let ms = 0;
    for (const [pid, v] of pids) ms += v - (before.get(name)?.get(pid) ?? (name.startsWith('pg:') ? 0 : v));
    out[name] = ms;
  }
  out.postgres = Object.entries(out).filter(([k]) => k.startsWith('pg:')).reduce((a, [, v]) => a + v, 0);
  return out;
}
