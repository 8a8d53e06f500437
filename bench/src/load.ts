import type { EventEmitter } from 'node:events';
import { performance } from 'node:perf_hooks';
import { type Measured, summarize } from './stats';

// autocannon ships no types; the part of its programmatic API used here.
interface AcRequest {
  method?: string;
  path?: string;
  headers?: Record<string, string>;
  body?: string;
  setupRequest?: (req: AcRequest, context: Record<string, unknown>) => AcRequest;
}
interface AcOptions {
  url: string;
  connections: number;
  duration: number;
  requests: AcRequest[];
  timeout?: number;
}
interface AcResult {
  errors: number;
  timeouts: number;
}
type Autocannon = (o: AcOptions, cb: (err: Error | null, r: AcResult) => void) => EventEmitter & { stop(): void };
// eslint-disable-next-line @typescript-eslint/no-require-imports
const autocannon = require('autocannon') as Autocannon;

export interface HttpLoad {
  name: string;
  baseUrl: string;
  connections: number;
  seconds: number;
  warmupSeconds?: number;
  request: AcRequest;
  /** Statuses that count as the expected answer (default: any 2xx). */
  expected?: (status: number) => boolean;
}

const is2xx = (s: number) => s >= 200 && s < 300;

/** Called right before and right after the measured part (after the warm-up): CPU accounting, profiler toggles. */
export interface MeasureHooks {
  start(): Promise<void>;
  end(m: Measured): Promise<void>;
}

/** Drives an HTTP endpoint with autocannon in this process; latencies (ms, sub-ms precision) of expected answers only. */
export async function httpLoad(o: HttpLoad, hooks?: MeasureHooks): Promise<Measured> {
  if (o.warmupSeconds) await runAutocannon(o, o.warmupSeconds);
  await hooks?.start();
  const m = await runAutocannon(o, o.seconds);
  await hooks?.end(m);
  return m;
}

function runAutocannon(o: HttpLoad, seconds: number): Promise<Measured> {
  const expected = o.expected ?? is2xx;
  const latencies: number[] = [];
  const statuses: Record<string, number> = {};
  let unexpected = 0;
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const instance = autocannon({ url: o.baseUrl, connections: o.connections, duration: seconds, requests: [o.request], timeout: 20 }, (err, result) => {
      if (err) return reject(err);
      const elapsed = (performance.now() - started) / 1000;
      resolve(summarize(o.name, o.connections, elapsed, latencies, unexpected + result.errors, statuses));
    });
    instance.on('response', (_client: unknown, status: number, _bytes: number, ms: number) => {
      statuses[status] = (statuses[status] ?? 0) + 1;
      if (expected(status)) latencies.push(ms);
      else unexpected++;
    });
  });
}

/**
 * The raw baseline: `concurrency` loops in this process, each running `op` back to back for `seconds`.
 * `op` throws for an error.
 */
export async function rawLoad(name: string, concurrency: number, seconds: number, op: (worker: number) => Promise<void>, warmupSeconds = 0, hooks?: MeasureHooks): Promise<Measured> {
  if (warmupSeconds) await rawRun(name, concurrency, warmupSeconds, op);
  await hooks?.start();
  const m = await rawRun(name, concurrency, seconds, op);
  await hooks?.end(m);
  return m;
}

async function rawRun(name: string, concurrency: number, seconds: number, op: (worker: number) => Promise<void>): Promise<Measured> {
  const latencies: number[] = [];
  let errors = 0;
  let firstError: unknown;
  const started = performance.now();
  const until = started + seconds * 1000;
  await Promise.all(
    Array.from({ length: concurrency }, async (_, w) => {
      while (performance.now() < until) {
        const t = performance.now();
        try {
          await op(w);
          latencies.push(performance.now() - t);
        } catch (err) {
          errors++;
          firstError ??= err;
          if (errors > 1000) throw err;
        }
      }
    }),
  );
  if (firstError) process.stderr.write(`  ${name}: ${errors} errors, first: ${(firstError as Error).message}\n`);
  return summarize(name, concurrency, (performance.now() - started) / 1000, latencies, errors, {});
}
