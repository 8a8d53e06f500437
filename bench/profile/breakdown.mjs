// Splits the busy time of a .cpuprofile from the benchmark into the hot path's parts (request log, RPC
// validation, FHIR validation, pg client, NATS, HTTP, relay, GC), each sample counted once, by its nearest
// matching frame. Usage: node bench/profile/breakdown.mjs <file.cpuprofile>
import { readFileSync } from 'node:fs';
const [file] = process.argv.slice(2);
const prof = JSON.parse(readFileSync(file, 'utf8'));
const byId = new Map(prof.nodes.map((n) => [n.id, n]));
const parent = new Map();
for (const n of prof.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const self = new Map();
prof.samples.forEach((s, i) => self.set(s, (self.get(s) ?? 0) + (prof.timeDeltas[i] ?? 0)));
const cats = [
  ['profiler itself', (f) => f.url.includes('cpu-profile.cjs') || f.url === 'node:inspector'],
  ['request log line (pino)', (f) => f.functionName === 'requestCompleted' || (f.url.includes('sonic-boom') )],
  ['class-validator/transformer (RPC validation)', (f) => f.functionName === 'transform' && f.url.includes('validation.pipe')],
  ['FHIR validation (medplum)', (f) => f.url.includes('fhir-validator')],
  ['outbox relay (JetStream publish, batch tx)', (f) => f.url.includes('platform/src/outbox.js') && f.functionName !== 'enqueue' && f.functionName !== 'insertSql'],
  ['pg client: send query', (f) => f.functionName === 'submit' && f.url.includes('pg/lib/query.js')],
  ['pg client: parse results', (f) => f.url.includes('pg-protocol')],
  ['NATS socket writes', (f) => f.functionName === 'flushPending'],
  ['NATS parse + dispatch', (f) => f.url.includes('nats-core/lib/parser.js')],
  ['HTTP response write', (f) => f.functionName === 'writePayload' && f.url.includes('fastify')],
  ['HTTP parse + route + Nest pipeline', (f) => f.functionName === 'parserOnHeadersComplete'],
  ['garbage collector', (f) => f.functionName === '(garbage collector)'],
];
const totals = new Map(); let busy = 0;
for (const [id, us] of self) {
  const fn = byId.get(id).callFrame.functionName;
  if (fn === '(idle)' || fn === '(program)') continue;
  busy += us;
  for (let cur = id; cur !== undefined; cur = parent.get(cur)) {
    const f = byId.get(cur).callFrame;
    const c = cats.find(([, t]) => t(f));
    if (c) { totals.set(c[0], (totals.get(c[0]) ?? 0) + us); break; }
  }
}
const prof_ = totals.get('profiler itself') ?? 0;
const net = busy - prof_;
console.log(`${file.split('/').pop()}: busy ${(net / 1e6).toFixed(2)} s (profiler excluded)`);
for (const [k, v] of [...totals].filter(([k]) => k !== 'profiler itself').sort((a, b) => b[1] - a[1])) console.log(`  ${(100 * v / net).toFixed(1).padStart(5)} %  ${k}`);
console.log(`  ${(100 * (net - [...totals].filter(([k]) => k !== 'profiler itself').reduce((a, [, v]) => a + v, 0)) / net).toFixed(1).padStart(5)} %  (everything else)`);
