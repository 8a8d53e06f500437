// Summarizes a .cpuprofile: self time by function and by package/file, and inclusive time of a few frames.
// Usage: node bench/profile/summarize.mjs <file.cpuprofile> [--top=25]
import { readFileSync } from 'node:fs';

const file = process.argv[2];
const top = Number((process.argv.find((a) => a.startsWith('--top=')) ?? '--top=25').slice(6));
const profile = JSON.parse(readFileSync(file, 'utf8'));
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

const self = new Map();
const dt = profile.timeDeltas;
for (let i = 0; i < profile.samples.length; i++) self.set(profile.samples[i], (self.get(profile.samples[i]) ?? 0) + (dt[i] ?? 0));
const total = [...self.values()].reduce((a, b) => a + b, 0);

const area = (url) => {
  if (!url) return '(native/V8)';
  const nm = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (nm) return nm[1];
  if (url.startsWith('node:')) return url.split('/')[0];
  const ours = /\/dist\/(.*)$/.exec(url);
  return ours ? ours[1] : url;
};
const fnKey = (n) => `${n.callFrame.functionName || '(anonymous)'} ${area(n.callFrame.url)}:${n.callFrame.lineNumber + 1}`;

const add = (m, k, v) => m.set(k, (m.get(k) ?? 0) + v);
const fnSelf = new Map();
const areaSelf = new Map();
const inclusive = new Map();
for (const [id, us] of self) {
  const n = byId.get(id);
  add(fnSelf, fnKey(n), us);
  add(areaSelf, n.callFrame.functionName === '(idle)' ? '(idle)' : n.callFrame.functionName === '(garbage collector)' ? '(gc)' : area(n.callFrame.url), us);
  // inclusive time per area: once per sample per area on the stack
  const seen = new Set();
  for (let cur = id; cur !== undefined; cur = parent.get(cur)) {
    const a = area(byId.get(cur).callFrame.url);
    if (!seen.has(a)) {
      seen.add(a);
      add(inclusive, a, us);
    }
  }
}
const pct = (us) => `${((100 * us) / total).toFixed(1).padStart(5)} %`;
const busy = total - (areaSelf.get('(idle)') ?? 0);
console.log(`${file}: ${(total / 1e6).toFixed(1)} s sampled, ${(busy / 1e6).toFixed(1)} s busy (${pct(busy)})`);
console.log('\nself time by package / file:');
for (const [k, v] of [...areaSelf].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`  ${pct(v)}  ${k}`);
console.log('\ninclusive time by package / file (on the stack):');
for (const [k, v] of [...inclusive].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`  ${pct(v)}  ${k}`);
console.log('\nself time by function:');
for (const [k, v] of [...fnSelf].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`  ${pct(v)}  ${k}`);
