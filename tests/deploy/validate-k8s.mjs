// Validates Kubernetes objects against the OpenAPI schemas of kubernetes-models, offline.
// stdin: a JSON array of objects; stdout: a JSON array of { ok, kind, name, errors[] }, in order.
//
// It runs as its own Node process (manifests.spec.ts spawns it) because kubernetes-models is ESM-only
// with import-only package exports, which jest's CommonJS runtime cannot load on Node 20 (a native
// require(esm) from inside jest is intercepted by jest too). Node 20.19+ runs it fine, although the
// package declares engines node>=22.
import { readFileSync } from 'node:fs';

/** apiVersion "apps/v1" + kind "Deployment" -> "kubernetes-models/apps/v1/Deployment"; core "v1" -> "kubernetes-models/v1/Service". */
function modulePath(apiVersion, kind) {
  if (typeof apiVersion !== 'string' || typeof kind !== 'string' || !/^[A-Za-z0-9]+$/.test(kind)) return undefined;
  const parts = apiVersion.split('/');
  if (parts.length > 2 || parts.some((p) => !/^[a-z0-9.-]+$/.test(p))) return undefined;
  return `kubernetes-models/${parts.join('/')}/${kind}`;
}

async function validateOne(obj) {
  const kind = obj?.kind;
  const name = obj?.metadata?.name;
  const path = modulePath(obj?.apiVersion, kind);
  if (!path) return { ok: false, kind, name, errors: [`no schema for apiVersion ${JSON.stringify(obj?.apiVersion)} kind ${JSON.stringify(kind)}`] };
  let Model;
  try {
    Model = (await import(path))[kind];
  } catch {
    Model = undefined;
  }
  if (typeof Model !== 'function') return { ok: false, kind, name, errors: [`kubernetes-models has no ${obj.apiVersion} ${kind}`] };
  try {
    new Model(obj).validate();
    return { ok: true, kind, name, errors: [] };
  } catch (e) {
    const errors = Array.isArray(e?.errors) && e.errors.length > 0
      ? e.errors.map((x) => `${x.instancePath || '/'} ${x.message}${x.params && Object.keys(x.params).length ? ' ' + JSON.stringify(x.params) : ''}`)
      : [String(e?.message ?? e)];
    return { ok: false, kind, name, errors };
  }
}

const input = JSON.parse(readFileSync(0, 'utf8'));
if (!Array.isArray(input)) throw new Error('validate-k8s: stdin must be a JSON array of Kubernetes objects');
const results = [];
for (const obj of input) results.push(await validateOne(obj));
process.stdout.write(JSON.stringify(results));
