import type { Measured } from './stats';
import { round } from './stats';

export interface Row {
  scenario: string;
  c: number;
  measured: Measured | null;
  baselineName: string;
  baseline: Measured | null;
}

interface Dist {
  n: number;
  p50: number;
  p90: number;
  max: number;
}

export interface Extra {
  startToHealthyMs?: number;
  npmStart?: { upMs: number; reportedHealthy: string; health: number; stopMs: number } | { error: string };
  rssIdleMb?: Record<string, number | null>;
  rssAfterMb?: Record<string, number | null>;
  tokenSource?: string;
  naiveAdapter?: string;
  naive?: Measured;
  webFlow?: { consentPage: Dist; consentSkipped: Dist; firstFlowMs: number; onlineTokenWorks: boolean } | { notMeasured: string };
  webhook?: { n: number; lostWithin10s: number; p50: number; p99: number; max: number };
  revocation?: {
    rounds: Array<Record<string, number>>;
    medianRevokeRpcMs: number;
    medianSentToFirstDeniedMs: number;
    medianAnswerToFirstDeniedMs: number;
    maxAnswerToLastAllowedStartMs: number;
    allowedAfterAnswer: number;
    deniedAfterAnswer: number;
  };
  scale?: { items: number; seededMs: number; seedNote: string; p99Ratio: number };
  totalRunSeconds?: number;
  profiles?: string;
}

export interface Target {
  target: string;
  value: string;
  pass: boolean | null;
}

export interface Report {
  startedAt: string;
  command: string;
  machine: { node: string; cpus: number; loadavgAtStart: number[]; loadavgAtEnd: number[] };
  settings: Record<string, number>;
  rows: Row[];
  extra: Extra;
  targets: Target[];
}

const find = (r: Report, prefix: string, c: number) => r.rows.find((x) => x.scenario.startsWith(prefix) && x.c === c);

export function targetsOf(r: Report): Target[] {
  const t: Target[] = [];
  const add = (target: string, value: string, pass: boolean | null) => t.push({ target, value, pass });
  const read64 = find(r, 'authorized item read', 64);
  const create64 = find(r, 'authorized item create', 64);
  const create1 = find(r, 'authorized item create', 1);
  const naive = r.extra.naive;
  if (read64?.measured && read64.baseline) {
    const ratio = read64.measured.rps / read64.baseline.rps;
    add('read c64 throughput ≥ 0.5 × raw', `${round(ratio, 2)} × (${read64.measured.rps} vs ${read64.baseline.rps} req/s)`, ratio >= 0.5);
    const p99 = read64.measured.p99 / read64.baseline.p99;
    add('read c64 p99 ≤ 3 × raw p99', `${round(p99, 2)} × (${read64.measured.p99} vs ${read64.baseline.p99} ms)`, p99 <= 3);
  }
  if (create64?.measured && create64.baseline) {
    const ratio = create64.measured.rps / create64.baseline.rps;
    add('create c64 throughput ≥ 0.4 × raw', `${round(ratio, 2)} × (${create64.measured.rps} vs ${create64.baseline.rps} req/s)`, ratio >= 0.4);
  }
  if (create1?.measured) add('create c1 p50 ≤ 5 ms', `${create1.measured.p50} ms`, create1.measured.p50 <= 5);
  if (naive && read64?.measured) {
    const ratio = read64.measured.rps / naive.rps;
    add('read c64 ≥ 2 × naive create c64', `${round(ratio, 2)} × (naive ${naive.rps} req/s, ${r.extra.naiveAdapter})`, ratio >= 2);
  }
  if (naive && create64?.measured) {
    const ratio = create64.measured.rps / naive.rps;
    add('create c64 ≥ 2 × naive create c64', `${round(ratio, 2)} × (naive ${naive.rps} req/s, ${r.extra.naiveAdapter})`, ratio >= 2);
  }
  if (r.extra.webhook) add('grant → webhook p99 ≤ 250 ms', `${r.extra.webhook.p99} ms (p50 ${r.extra.webhook.p50}, n=${r.extra.webhook.n}, lost ${r.extra.webhook.lostWithin10s})`, r.extra.webhook.p99 <= 250 && r.extra.webhook.lostWithin10s === 0);
  if (r.extra.revocation) {
    const rv = r.extra.revocation;
    add('revocation: 0 allowed calls started after the revoke answer', `${rv.allowedAfterAnswer} allowed, ${rv.deniedAfterAnswer} denied`, rv.allowedAfterAnswer === 0 && rv.deniedAfterAnswer > 0);
  }
  if (r.extra.scale) add(`list p99 with ${r.extra.scale.items / 1000}k items ≤ 2 × 1k`, `${r.extra.scale.p99Ratio} ×`, r.extra.scale.p99Ratio <= 2);
  if (r.extra.rssIdleMb) {
    const entries = Object.entries(r.extra.rssIdleMb);
    const worst = entries.reduce((a, b) => ((b[1] ?? 0) > (a[1] ?? 0) ? b : a), entries[0]!);
    add('idle RSS ≤ 150 MB per service', `max ${worst[1]} MB (${worst[0]})`, entries.every(([, v]) => v !== null && v <= 150));
  }
  return t;
}

const pad = (s: string, n: number) => (s.length >= n ? s : s + ' '.repeat(n - s.length));
const lpad = (s: string, n: number) => (s.length >= n ? s : ' '.repeat(n - s.length) + s);
const fmt = (v: number | undefined) => (v === undefined || Number.isNaN(v) ? '-' : String(v));

export function tableOf(r: Report): string {
  const head = ['scenario', 'c', 'req/s', 'p50 ms', 'p90 ms', 'p99 ms', 'errors', 'baseline (same run)', 'base req/s', 'base p99', 'thr ratio', 'p99 ratio'];
  const lines = r.rows.map((x) => {
    const m = x.measured;
    const b = x.baseline;
    return [
      x.scenario,
      String(x.c),
      fmt(m?.rps),
      fmt(m?.p50),
      fmt(m?.p90),
      fmt(m?.p99),
      fmt(m?.errors),
      x.baselineName || '-',
      fmt(b?.rps),
      fmt(b?.p99),
      m && b ? String(round(m.rps / b.rps, 2)) : '-',
      m && b ? String(round(m.p99 / b.p99, 2)) : '-',
    ];
  });
  const widths = head.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
  const numeric = new Set([1, 2, 3, 4, 5, 6, 8, 9, 10, 11]);
  const fmtLine = (l: string[]) => `| ${l.map((c, i) => (numeric.has(i) ? lpad(c, widths[i]!) : pad(c, widths[i]!))).join(' | ')} |`;
  return [fmtLine(head), `|${widths.map((w, i) => (numeric.has(i) ? `${'-'.repeat(w + 1)}:` : '-'.repeat(w + 2))).join('|')}|`, ...lines.map(fmtLine)].join('\n');
}

const CPU_GROUPS = ['gateway', 'record-store', 'consent', 'identity', 'audit', 'partner-push', 'connect-request', 'naive http', 'naive worker', 'postgres', 'nats-server', 'bench process'];

/** CPU ms per good answer by process, for each measured load (services, this database's backends, nats, the load generator). */
export function cpuTableOf(r: Report): string {
  const loads: Array<[string, Measured]> = [];
  for (const x of r.rows) {
    if (x.measured?.cpuMsPerReq) loads.push([`${x.scenario} c=${x.c}`, x.measured]);
    if (x.baseline?.cpuMsPerReq && !x.baselineName.startsWith('authorized')) loads.push([`  ${x.baselineName} c=${x.c}`, x.baseline]);
  }
  const used = CPU_GROUPS.filter((g) => loads.some(([, m]) => (m.cpuMsPerReq?.[g] ?? 0) > 0.0005));
  const head = ['CPU ms per answer', ...used, 'total'];
  const lines = loads.map(([name, m]) => {
    const v = used.map((g) => m.cpuMsPerReq?.[g] ?? 0);
    return [name, ...v.map((x) => x.toFixed(2)), v.reduce((a, b) => a + b, 0).toFixed(2)];
  });
  const widths = head.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
  const fmtLine = (l: string[]) => `| ${l.map((c, i) => (i === 0 ? pad(c, widths[i]!) : lpad(c, widths[i]!))).join(' | ')} |`;
  return [fmtLine(head), `|${widths.map((w, i) => (i === 0 ? '-'.repeat(w + 2) : `${'-'.repeat(w + 1)}:`)).join('|')}|`, ...lines.map(fmtLine)].join('\n');
}

/** PostgreSQL CPU per answer split by client (application_name): the services' pools, the outbox relays' LISTEN connections ("other"), the bench. */
export function pgTableOf(r: Report): string {
  const loads: Array<[string, Record<string, number>]> = [];
  for (const x of r.rows) {
    if (x.measured?.cpuMsPerReq && !x.scenario.startsWith('(info)')) loads.push([`${x.scenario} c=${x.c}`, x.measured.cpuMsPerReq]);
  }
  const clients = [...new Set(loads.flatMap(([, m]) => Object.keys(m).filter((k) => k.startsWith('pg:') && loads.some(([, n]) => (n[k] ?? 0) > 0.0005))))].sort();
  if (clients.length === 0) return '';
  const head = ['postgres CPU ms per answer, by client', ...clients.map((c) => c.slice(3))];
  const lines = loads.map(([name, m]) => [name, ...clients.map((c) => (m[c] ?? 0).toFixed(2))]);
  const widths = head.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
  const fmtLine = (l: string[]) => `| ${l.map((c, i) => (i === 0 ? pad(c, widths[i]!) : lpad(c, widths[i]!))).join(' | ')} |`;
  return [fmtLine(head), `|${widths.map((w, i) => (i === 0 ? '-'.repeat(w + 2) : `${'-'.repeat(w + 1)}:`)).join('|')}|`, ...lines.map(fmtLine)].join('\n');
}

export function printReport(r: Report): void {
  const out: string[] = [];
  out.push(`\nCarevault benchmark — ${r.startedAt} — ${r.command}`);
  out.push(`node ${r.machine.node}, ${r.machine.cpus} cores, load average at start ${r.machine.loadavgAtStart.join(' ')}, at end ${r.machine.loadavgAtEnd.join(' ')}; ${r.settings.seconds} s per measurement after ${r.settings.warmupSeconds} s warm-up`);
  out.push('');
  out.push(tableOf(r));
  out.push('');
  out.push(cpuTableOf(r));
  out.push('');
  out.push(pgTableOf(r));
  const e = r.extra;
  out.push('');
  if (e.webFlow) {
    out.push(
      'notMeasured' in e.webFlow
        ? `full web authorization (code + PKCE → token): not measured — ${e.webFlow.notMeasured}`
        : `full web authorization (code + PKCE → token), sequential: with consent page p50 ${e.webFlow.consentPage.p50} ms / p90 ${e.webFlow.consentPage.p90} ms (n=${e.webFlow.consentPage.n}); consent already given p50 ${e.webFlow.consentSkipped.p50} ms / p90 ${e.webFlow.consentSkipped.p90} ms`,
    );
  }
  if (e.webhook) out.push(`grant committed → webhook received (loopback): p50 ${e.webhook.p50} ms, p99 ${e.webhook.p99} ms, max ${e.webhook.max} ms (n=${e.webhook.n}, not arrived within 10 s: ${e.webhook.lostWithin10s})`);
  if (e.revocation) {
    const rv = e.revocation;
    out.push(
      `revocation → first denied call (median of ${rv.rounds.length}): ${rv.medianSentToFirstDeniedMs} ms after the revoke was sent, ${rv.medianAnswerToFirstDeniedMs} ms after its answer (revoke RPC ${rv.medianRevokeRpcMs} ms, under read load); last allowed call started ${rv.maxAnswerToLastAllowedStartMs} ms after the answer (≤ 0 is right); calls started after the answer: ${rv.allowedAfterAnswer} allowed, ${rv.deniedAfterAnswer} denied`,
    );
  }
  if (e.scale) out.push(`scale: list p99 ${e.scale.items / 1000}k / 1k = ${e.scale.p99Ratio} (${e.scale.seedNote}; ${e.scale.seededMs} ms)`);
  if (e.naive) out.push(`naive composite baseline (${e.naiveAdapter}): ${e.naive.rps} req/s, p50 ${e.naive.p50} ms, p99 ${e.naive.p99} ms, errors ${e.naive.errors}`);
  if (e.startToHealthyMs !== undefined) out.push(`startPlatform time to healthy (the bench's own platform: fresh DB + private nats-server + migrations + 7 services): ${e.startToHealthyMs} ms`);
  if (e.npmStart) {
    out.push(
      'error' in e.npmStart
        ? `npm start: FAILED: ${e.npmStart.error}`
        : `npm start → "Carevault is up" (fresh DB, its own nats-server, migrations, 7 services): ${e.npmStart.upMs} ms; /health ${e.npmStart.health}; Ctrl-C stopped it in ${e.npmStart.stopMs} ms`,
    );
  }
  if (e.rssIdleMb) {
    out.push('RSS (MB) idle → after the run:');
    for (const [name, v] of Object.entries(e.rssIdleMb)) out.push(`  ${pad(name, 16)} ${lpad(fmt(v ?? undefined), 6)} → ${lpad(fmt(e.rssAfterMb?.[name] ?? undefined), 6)}`);
  }
  out.push(`offline tokens: ${e.tokenSource}; whole run ${e.totalRunSeconds} s`);
  out.push('\ntargets:');
  for (const t of r.targets) out.push(`  ${t.pass === null ? 'N/A ' : t.pass ? 'PASS' : 'MISS'}  ${pad(t.target, 58)} ${t.value}`);
  process.stdout.write(`${out.join('\n')}\n`);
}
