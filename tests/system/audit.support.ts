// Helpers of audit.sys-spec.ts: a lean HTTP driver for thousands of partner calls, readers of every
// message of a JetStream stream and of the services' logs, and a wait on the audit store.
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { Agent, request } from 'node:http';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Client } from 'pg';

export type Outcome = 'allowed' | 'denied';

/** One scripted partner call and the audit entry it must leave. */
export interface PlannedCall {
  method: 'GET' | 'POST';
  path: string;
  token: string;
  body?: string;
  status: number;
  expected: { outcome: Outcome; permission: 'create' | 'read'; mode: 'online' | 'offline' };
}

export interface CallResult {
  correlationId: string;
  call: PlannedCall;
  status: number;
}

/** Keep-alive sockets and no body parsing: the client stays cheap next to seven services on two cores. */
export class Driver {
  private readonly agent: Agent;
  private readonly url: URL;

  constructor(baseUrl: string, concurrency: number) {
    this.url = new URL(baseUrl);
    this.agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  }

  send(call: PlannedCall, correlationId: string): Promise<number> {
    return new Promise((resolve, reject) => {
      const headers: Record<string, string> = { authorization: `Bearer ${call.token}`, 'x-correlation-id': correlationId };
      if (call.body) Object.assign(headers, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(call.body)) });
      const req = request({ host: this.url.hostname, port: this.url.port, method: call.method, path: call.path, headers, agent: this.agent }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end(call.body);
    });
  }

  /** Runs the calls with at most `concurrency` in flight; correlation ids are `<prefix>-<index>`. */
  async run(calls: PlannedCall[], prefix: string, concurrency: number): Promise<CallResult[]> {
    const results: CallResult[] = new Array(calls.length);
    let next = 0;
    const worker = async () => {
      while (next < calls.length) {
        const i = next++;
        const correlationId = `${prefix}-${i}`;
        results[i] = { correlationId, call: calls[i]!, status: await this.send(calls[i]!, correlationId) };
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
    return results;
  }

  close(): void {
    this.agent.destroy();
  }
}

export interface StoredAccess {
  correlation_id: string;
  event_id: string;
  outcome: string;
  permission: string;
  mode: string;
}

/** The data-access entries whose correlation id starts with `prefix-`, once `expected` of them are stored (or the timeout). */
export async function waitForAccesses(db: Client, prefix: string, expected: number, timeoutMs = 60_000): Promise<StoredAccess[]> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const { rows } = await db.query<StoredAccess>(
      `SELECT correlation_id, event_id::text, outcome, permission, mode FROM audit.entries
       WHERE kind = 'data-access' AND correlation_id LIKE $1`,
      [`${prefix}-%`],
    );
    if (rows.length >= expected || Date.now() > until) return rows;
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** Every message of a stream, subject and data as text (an ordered consumer from the first message). */
export async function streamMessages(nc: NatsConnection, stream: string): Promise<string[]> {
  const jsm = await jetstreamManager(nc);
  const state = (await jsm.streams.info(stream)).state;
  if (state.messages === 0) return [];
  const consumer = await jetstream(nc).consumers.get(stream);
  const out: string[] = [];
  const messages = await consumer.consume({ max_messages: 1000 });
  for await (const m of messages) {
    out.push(`${m.subject} ${m.string()}`);
    if (m.seq >= state.last_seq) break;
  }
  await messages.close();
  return out;
}

/** The text of every log file the platform's services wrote. */
export function serviceLogs(logsDir: string): Array<{ file: string; text: string }> {
  return readdirSync(logsDir).map((file) => ({ file, text: readFileSync(join(logsDir, file), 'utf8') }));
}

/** How often any of the needles occurs in the text, case-insensitively. */
export function occurrences(text: string, needles: readonly string[]): number {
  const hay = text.toLowerCase();
  let n = 0;
  for (const needle of needles) {
    const x = needle.toLowerCase();
    for (let at = hay.indexOf(x); at !== -1; at = hay.indexOf(x, at + x.length)) n++;
  }
  return n;
}

export interface CallContext {
  recordId: string;
  /** A record of the same person the application holds no grant on. */
  otherRecordId: string;
  medicationId: string;
  offline: string;
  online: string;
}

const medicationStatement = JSON.stringify({
  resourceType: 'MedicationStatement',
  status: 'active',
  medicationCodeableConcept: { text: 'Amoxicillin 500 mg' },
  subject: { reference: 'Patient/123' },
  effectiveDateTime: '2026-11-01T10:00:00Z',
});
const condition = JSON.stringify({ resourceType: 'Condition', code: { text: 'Hay fever' }, subject: { reference: 'Patient/123' }, recordedDate: '2026-10-01' });

/**
 * `n` partner calls, ten kinds in turn: allowed (create, read, list; online and offline), denied by a
 * missing rule (403) and denied for want of a grant (404, the person's other record). Online tokens may
 * use the offline rules too, so an online denial needs a data type no rule names.
 */
export function planCalls(c: CallContext, n: number): PlannedCall[] {
  const items = (recordId: string) => `/api/v1/records/${recordId}/items`;
  const allowed = (permission: 'create' | 'read', mode: 'online' | 'offline') => ({ outcome: 'allowed' as const, permission, mode });
  const denied = (permission: 'create' | 'read', mode: 'online' | 'offline') => ({ outcome: 'denied' as const, permission, mode });
  const kinds: PlannedCall[] = [
    { method: 'POST', path: items(c.recordId), token: c.offline, body: medicationStatement, status: 201, expected: allowed('create', 'offline') },
    { method: 'GET', path: `${items(c.recordId)}/${c.medicationId}`, token: c.offline, status: 200, expected: allowed('read', 'offline') },
    { method: 'GET', path: `${items(c.recordId)}?type=MedicationStatement&limit=5`, token: c.offline, status: 200, expected: allowed('read', 'offline') },
    { method: 'POST', path: items(c.recordId), token: c.online, body: condition, status: 201, expected: allowed('create', 'online') },
    { method: 'GET', path: `${items(c.recordId)}?type=Condition&limit=5`, token: c.online, status: 200, expected: allowed('read', 'online') },
    { method: 'POST', path: items(c.recordId), token: c.offline, body: condition, status: 403, expected: denied('create', 'offline') },
    { method: 'GET', path: `${items(c.recordId)}?type=Observation`, token: c.online, status: 403, expected: denied('read', 'online') },
    { method: 'POST', path: items(c.otherRecordId), token: c.offline, body: medicationStatement, status: 404, expected: denied('create', 'offline') },
    { method: 'GET', path: `${items(c.otherRecordId)}?type=Condition`, token: c.online, status: 404, expected: denied('read', 'online') },
    { method: 'GET', path: `${items(c.recordId)}?type=Condition&limit=5`, token: c.offline, status: 403, expected: denied('read', 'offline') },
  ];
  return Array.from({ length: n }, (_, i) => kinds[i % kinds.length]!);
}

/** What the run left in the audit store against what each call must have left; and the counts to print. */
export function compare(results: CallResult[], stored: StoredAccess[]) {
  const byCorrelation = new Map<string, StoredAccess[]>();
  for (const s of stored) byCorrelation.set(s.correlation_id, [...(byCorrelation.get(s.correlation_id) ?? []), s]);
  const problems: string[] = [];
  const counts = { allowed: 0, denied: 0, online: 0, offline: 0 };
  for (const r of results) {
    if (r.status !== r.call.status) problems.push(`${r.correlationId}: HTTP ${r.status}, expected ${r.call.status}`);
    const entries = byCorrelation.get(r.correlationId) ?? [];
    const e = entries[0];
    if (entries.length !== 1 || !e) {
      problems.push(`${r.correlationId}: ${entries.length} audit entries`);
      continue;
    }
    const { outcome, permission, mode } = r.call.expected;
    if (e.outcome !== outcome || e.permission !== permission || e.mode !== mode) {
      problems.push(`${r.correlationId}: stored ${e.outcome}/${e.permission}/${e.mode}, expected ${outcome}/${permission}/${mode}`);
    }
    counts[e.outcome as Outcome]++;
    counts[e.mode as 'online' | 'offline']++;
  }
  return { problems, counts, distinctEvents: new Set(stored.map((s) => s.event_id)).size };
}
