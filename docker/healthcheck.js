'use strict';
// Docker HEALTHCHECK for every app of the image (liveness only; Kubernetes uses its own probes).
// The gateway serves GET /healthz on PORT, the other apps on HEALTH_PORT: healthy when either answers
// 2xx, so the check needs no knowledge of which app this container runs (APP may come from the
// command line rather than the environment).
const ports = [...new Set([process.env.PORT || '8080', process.env.HEALTH_PORT || '9000'])].filter((p) => /^\d{1,5}$/.test(p));
const timeoutMs = Number(process.env.HEALTHCHECK_TIMEOUT_MS || 3000);

async function probe(port) {
  let res;
  try {
    res = await fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(timeoutMs) });
  } catch (e) {
    throw new Error(`port ${port}: ${(e.cause && e.cause.code) || e.name || e.message}`);
  }
  await res.arrayBuffer().catch(() => undefined);
  if (!res.ok) throw new Error(`port ${port}: HTTP ${res.status}`);
  return port;
}

Promise.any(ports.map(probe)).then(
  () => process.exit(0),
  (err) => {
    const reasons = err instanceof AggregateError ? err.errors : [err];
    console.error(`healthcheck: unhealthy (${reasons.map((e) => (e && e.message) || String(e)).join('; ')})`);
    process.exit(1);
  },
);
