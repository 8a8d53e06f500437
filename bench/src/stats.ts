/** One measured load: throughput of good answers, latency percentiles of good answers, errors. */
export interface Measured {
  name: string;
  concurrency: number;
  seconds: number;
  ok: number;
  errors: number;
  rps: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  statuses: Record<string, number>;
  /** CPU ms per good answer, by process group (services, postgres backends of this database, nats-server, this process). */
  cpuMsPerReq?: Record<string, number>;
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i]!;
}

export function summarize(name: string, concurrency: number, seconds: number, latencies: number[], errors: number, statuses: Record<string, number>): Measured {
  const sorted = Float64Array.from(latencies).sort();
  const arr = Array.from(sorted);
  return {
    name,
    concurrency,
    seconds: round(seconds, 2),
    ok: arr.length,
    errors,
    rps: round(arr.length / seconds, 0),
    p50: round(percentile(arr, 50), 2),
    p90: round(percentile(arr, 90), 2),
    p99: round(percentile(arr, 99), 2),
    max: round(arr[arr.length - 1] ?? NaN, 2),
    statuses,
  };
}

export function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
}

export function round(v: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}
