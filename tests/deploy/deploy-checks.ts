// Offline checks of the deployment files (docker/, k8s/, .dockerignore) used by manifests.spec.ts.
// Every check returns a list of problems (empty = fine), so that the spec can also show that each
// check fails on a deliberately broken copy.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, posix, relative, resolve } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';

export const ROOT = resolve(__dirname, '../..');
export const K8S_DIR = join(ROOT, 'k8s');
export const NAMESPACE = 'carevault';
export const APPS = ['gateway', 'identity', 'consent', 'connect-request', 'record-store', 'audit', 'partner-push'] as const;
export type AppName = (typeof APPS)[number];

/* eslint-disable @typescript-eslint/no-explicit-any -- manifests are untyped YAML */
export type Obj = Record<string, any>;

export interface K8sDoc {
  file: string; // relative to k8s/
  index: number; // document index in the file
  obj: Obj;
}

// ---------------------------------------------------------------------------------------------
// YAML loading

/** Every *.yaml / *.yml under dir, relative, sorted. */
export function yamlFilesUnder(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (/\.ya?ml$/.test(e.name)) out.push(relative(dir, p).split('\\').join('/'));
    }
  };
  walk(dir);
  return out.sort();
}

/** Parses every document of a YAML text; throws on any syntax error or warning. */
export function parseYamlDocuments(text: string, label: string): Obj[] {
  return parseAllDocuments(text)
    .map((doc, i) => {
      const problems = [...doc.errors, ...doc.warnings];
      if (problems.length > 0) throw new Error(`${label} document ${i}: ${problems.map((e) => e.message).join('; ')}`);
      return doc.toJS({ maxAliasCount: 100 }) as Obj | null;
    })
    .filter((o): o is Obj => o !== null && o !== undefined);
}

/** Every Kubernetes object under k8s/ (the kustomization is not one). */
export function loadK8sObjects(dir = K8S_DIR): K8sDoc[] {
  const docs: K8sDoc[] = [];
  for (const file of yamlFilesUnder(dir)) {
    if (posix.basename(file) === 'kustomization.yaml' || posix.basename(file) === 'kustomization.yml') continue;
    parseYamlDocuments(readFileSync(join(dir, file), 'utf8'), file).forEach((obj, index) => docs.push({ file, index, obj }));
  }
  return docs;
}

export function loadCompose(file = join(ROOT, 'docker/compose.yaml')): Obj {
  const text = readFileSync(file, 'utf8');
  const doc = parse(text, { merge: true, maxAliasCount: 100 }) as Obj;
  return doc;
}

// ---------------------------------------------------------------------------------------------
// Schema validation (kubernetes-models, in a separate Node process: see validate-k8s.mjs)

export interface SchemaResult {
  ok: boolean;
  kind?: string;
  name?: string;
  errors: string[];
}

export function validateAgainstSchemas(objs: Obj[]): SchemaResult[] {
  const run = spawnSync(process.execPath, [join(__dirname, 'validate-k8s.mjs')], {
    input: JSON.stringify(objs),
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    timeout: 60_000,
  });
  if (run.status !== 0) throw new Error(`validate-k8s.mjs failed (${run.status ?? run.signal}): ${run.stderr}`);
  const results = JSON.parse(run.stdout) as SchemaResult[];
  if (results.length !== objs.length) throw new Error(`validate-k8s.mjs answered ${results.length} results for ${objs.length} objects`);
  return results;
}

// ---------------------------------------------------------------------------------------------
// Kubernetes helpers

const DNS1123_SUBDOMAIN = /^(?=.{1,253}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS1035_LABEL = /^(?=.{1,63}$)[a-z]([-a-z0-9]*[a-z0-9])?$/;
const CLUSTER_SCOPED = new Set(['Namespace', 'ClusterRole', 'ClusterRoleBinding', 'PersistentVolume', 'StorageClass', 'CustomResourceDefinition']);
const WORKLOAD_KINDS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'Job']);

export const find = (docs: Obj[], kind: string, name: string): Obj | undefined =>
  docs.find((o) => o.kind === kind && o.metadata?.name === name);

export function podSpecOf(o: Obj): Obj | undefined {
  return WORKLOAD_KINDS.has(o.kind) ? o.spec?.template?.spec : undefined;
}

const labelsMatch = (selector: Obj | undefined, labels: Obj | undefined): boolean =>
  !!selector && Object.keys(selector).length > 0 && Object.entries(selector).every(([k, v]) => labels?.[k] === v);

/** Parses a CPU (cores) or memory (bytes) quantity. */
export function quantity(q: unknown): number {
  const s = String(q);
  const m = /^([0-9.]+)(m|k|M|G|T|Ki|Mi|Gi|Ti)?$/.exec(s);
  if (!m) return NaN;
  const n = Number(m[1]);
  const mult: Record<string, number> = { '': 1, m: 1e-3, k: 1e3, M: 1e6, G: 1e9, T: 1e12, Ki: 1024, Mi: 1024 ** 2, Gi: 1024 ** 3, Ti: 1024 ** 4 };
  return n * mult[m[2] ?? ''];
}

/** Resolves a probe's port (number or container port name) to a number, or undefined. */
function resolvePort(container: Obj, port: unknown): number | undefined {
  if (typeof port === 'number') return (container.ports ?? []).some((p: Obj) => p.containerPort === port) ? port : undefined;
  return (container.ports ?? []).find((p: Obj) => p.name === port)?.containerPort;
}

/** Cross-object checks: names, namespace, selectors, references to Secrets/ConfigMaps, ports, images, security. */
export function checkReferences(docs: Obj[]): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const o of docs) {
    const id = `${o.kind}/${o.metadata?.name}`;
    if (seen.has(id)) problems.push(`${id}: defined twice`);
    seen.add(id);
    const name = o.metadata?.name;
    const nameOk = o.kind === 'Service' ? DNS1035_LABEL.test(name ?? '') : DNS1123_SUBDOMAIN.test(name ?? '');
    if (!nameOk) problems.push(`${id}: metadata.name is not a valid ${o.kind === 'Service' ? 'DNS-1035 label' : 'DNS-1123 name'}`);
    if (!CLUSTER_SCOPED.has(o.kind) && o.metadata?.namespace !== NAMESPACE) problems.push(`${id}: metadata.namespace is not ${NAMESPACE}`);

    if (o.kind === 'Service' && o.spec?.selector) {
      const targets = docs.filter((w) => WORKLOAD_KINDS.has(w.kind) && labelsMatch(o.spec.selector, w.spec?.template?.metadata?.labels));
      if (targets.length === 0) problems.push(`${id}: selector matches no workload's pods`);
      for (const p of o.spec.ports ?? []) {
        if (typeof p.targetPort === 'string' && !targets.some((w) => podSpecOf(w)?.containers?.some((c: Obj) => resolvePort(c, p.targetPort) !== undefined)))
          problems.push(`${id}: targetPort ${p.targetPort} is not a port of the selected pods`);
      }
    }

    const pod = podSpecOf(o);
    if (!pod) continue;
    if (o.kind !== 'Job' && !labelsMatch(o.spec?.selector?.matchLabels, o.spec?.template?.metadata?.labels))
      problems.push(`${id}: spec.selector.matchLabels does not match the pod template's labels`);
    if (pod.securityContext?.runAsNonRoot !== true) problems.push(`${id}: pod securityContext.runAsNonRoot is not true`);
    for (const c of [...(pod.initContainers ?? []), ...(pod.containers ?? [])] as Obj[]) {
      const cid = `${id} container ${c.name}`;
      if (typeof c.image !== 'string' || !/:[^/]+$/.test(c.image) || /:latest$/.test(c.image)) problems.push(`${cid}: image needs a pinned tag (not latest)`);
      if (c.securityContext?.allowPrivilegeEscalation !== false) problems.push(`${cid}: allowPrivilegeEscalation is not false`);
      if (!(c.securityContext?.capabilities?.drop ?? []).includes('ALL')) problems.push(`${cid}: capabilities do not drop ALL`);
      for (const e of c.env ?? []) {
        const sk = e.valueFrom?.secretKeyRef;
        if (sk) {
          const s = find(docs, 'Secret', sk.name);
          if (!s) problems.push(`${cid}: env ${e.name} refers to missing Secret ${sk.name}`);
          else if (!(sk.key in (s.stringData ?? {})) && !(sk.key in (s.data ?? {}))) problems.push(`${cid}: env ${e.name} refers to missing key ${sk.key} of Secret ${sk.name}`);
        }
        const ck = e.valueFrom?.configMapKeyRef;
        if (ck && !(ck.key in (find(docs, 'ConfigMap', ck.name)?.data ?? {}))) problems.push(`${cid}: env ${e.name} refers to missing ConfigMap key ${ck.name}/${ck.key}`);
      }
      for (const ef of c.envFrom ?? []) {
        if (ef.configMapRef && !find(docs, 'ConfigMap', ef.configMapRef.name)) problems.push(`${cid}: envFrom refers to missing ConfigMap ${ef.configMapRef.name}`);
        if (ef.secretRef && !find(docs, 'Secret', ef.secretRef.name)) problems.push(`${cid}: envFrom refers to missing Secret ${ef.secretRef.name}`);
      }
      for (const probe of ['startupProbe', 'livenessProbe', 'readinessProbe']) {
        const port = c[probe]?.httpGet?.port;
        if (port !== undefined && resolvePort(c, port) === undefined) problems.push(`${cid}: ${probe} port ${port} is not a container port`);
      }
      const volumeNames = new Set([...(pod.volumes ?? []).map((v: Obj) => v.name), ...(o.spec?.volumeClaimTemplates ?? []).map((v: Obj) => v.metadata?.name)]);
      for (const m of c.volumeMounts ?? []) if (!volumeNames.has(m.name)) problems.push(`${cid}: volumeMount ${m.name} has no volume`);
    }
    for (const v of pod.volumes ?? []) {
      if (v.configMap && !find(docs, 'ConfigMap', v.configMap.name)) problems.push(`${id}: volume ${v.name} refers to missing ConfigMap ${v.configMap.name}`);
      if (v.secret && !find(docs, 'Secret', v.secret.secretName)) problems.push(`${id}: volume ${v.name} refers to missing Secret ${v.secret.secretName}`);
    }
  }
  return problems;
}

/** Resource requests and limits (cpu + memory), requests not above limits. */
export function checkResources(container: Obj, label: string): string[] {
  const problems: string[] = [];
  for (const r of ['cpu', 'memory']) {
    const req = quantity(container.resources?.requests?.[r]);
    const lim = quantity(container.resources?.limits?.[r]);
    if (!(req > 0)) problems.push(`${label}: no resources.requests.${r}`);
    if (!(lim > 0)) problems.push(`${label}: no resources.limits.${r}`);
    if (req > lim) problems.push(`${label}: resources.requests.${r} is above the limit`);
  }
  return problems;
}

/** The app's Deployment + Service, its probes (paths and ports), env and resources. */
export function checkApp(docs: Obj[], app: AppName): string[] {
  const problems: string[] = [];
  const gateway = app === 'gateway';
  const port = gateway ? 8080 : 9000;
  const probePaths = gateway ? { readinessProbe: '/health', livenessProbe: '/healthz' } : { readinessProbe: '/readyz', livenessProbe: '/healthz' };
  const dep = find(docs, 'Deployment', app);
  if (!dep) return [`${app}: no Deployment`];
  const container = (dep.spec?.template?.spec?.containers ?? []).find((c: Obj) => c.name === app) as Obj | undefined;
  if (!container) return [`${app}: the Deployment has no container named ${app}`];
  if (!/^carevault:/.test(container.image ?? '')) problems.push(`${app}: image is not the carevault image`);
  const env = Object.fromEntries((container.env ?? []).map((e: Obj) => [e.name, e]));
  if (env.APP?.value !== app && !(container.args ?? []).includes(app)) problems.push(`${app}: APP is not ${app} (env or args)`);
  const required = gateway ? ['DATABASE_URL', 'ADMIN_TOKEN', 'COOKIE_SECRET', 'TOKEN_SIGNING_KEY'] : ['DATABASE_URL'];
  for (const k of required) if (!env[k]?.valueFrom?.secretKeyRef) problems.push(`${app}: ${k} does not come from a Secret`);
  if (gateway && env.PORT?.value !== '8080') problems.push(`${app}: PORT is not "8080"`);
  if (!(container.envFrom ?? []).some((e: Obj) => e.configMapRef?.name === 'carevault-config')) problems.push(`${app}: no envFrom of ConfigMap carevault-config`);
  for (const [probe, path] of Object.entries(probePaths)) {
    const http = container[probe]?.httpGet;
    if (!http) problems.push(`${app}: no ${probe} (httpGet)`);
    else {
      if (http.path !== path) problems.push(`${app}: ${probe} path is ${http.path}, expected ${path}`);
      if (resolvePort(container, http.port) !== port) problems.push(`${app}: ${probe} port is not ${port}`);
    }
  }
  problems.push(...checkResources(container, app));
  const svc = find(docs, 'Service', app);
  if (!svc) problems.push(`${app}: no Service`);
  else {
    if (!labelsMatch(svc.spec?.selector, dep.spec?.template?.metadata?.labels)) problems.push(`${app}: the Service's selector does not select the Deployment's pods`);
    const targets = (svc.spec?.ports ?? []).map((p: Obj) => resolvePort(container, p.targetPort ?? p.port));
    if (!targets.includes(port)) problems.push(`${app}: the Service does not route to port ${port}`);
  }
  return problems;
}

/** The migration Job: runs dist/tools/migrate.js with DATABASE_URL from the Secret. */
export function checkMigrationJob(docs: Obj[]): string[] {
  const jobs = docs.filter((o) => o.kind === 'Job');
  const job = jobs.find((j) => (podSpecOf(j)?.containers ?? []).some((c: Obj) => [...(c.command ?? []), ...(c.args ?? [])].some((a: string) => /dist\/tools\/migrate\.js$|^migrate$/.test(a))));
  if (!job) return ['no Job runs the migrations (dist/tools/migrate.js)'];
  const problems: string[] = [];
  const pod = podSpecOf(job)!;
  if (!['Never', 'OnFailure'].includes(pod.restartPolicy)) problems.push('migration Job: restartPolicy must be Never or OnFailure');
  for (const c of pod.containers as Obj[]) {
    if (!(c.env ?? []).some((e: Obj) => e.name === 'DATABASE_URL' && e.valueFrom?.secretKeyRef)) problems.push('migration Job: DATABASE_URL does not come from a Secret');
    problems.push(...checkResources(c, 'migration Job'));
  }
  return problems;
}

/** Non-secret env in the ConfigMap, secrets in the Secret with marked placeholder values only. */
export function checkConfigAndSecret(docs: Obj[]): string[] {
  const problems: string[] = [];
  const cm = find(docs, 'ConfigMap', 'carevault-config');
  if (!cm) problems.push('no ConfigMap carevault-config');
  else {
    for (const k of ['NATS_URL', 'LOG_LEVEL', 'NODE_ENV', 'HEALTH_PORT', 'PUBLIC_URL', 'WEBHOOK_TIMEOUT_MS']) if (!(k in (cm.data ?? {}))) problems.push(`ConfigMap: no ${k}`);
    for (const [k, v] of Object.entries(cm.data ?? {})) if (typeof v !== 'string') problems.push(`ConfigMap: ${k} is not a string`);
    for (const k of ['DATABASE_URL', 'ADMIN_TOKEN', 'COOKIE_SECRET', 'TOKEN_SIGNING_KEY']) if (k in (cm.data ?? {})) problems.push(`ConfigMap: ${k} is a secret and belongs in the Secret`);
    if (cm.data?.NODE_ENV !== 'production') problems.push('ConfigMap: NODE_ENV is not production');
  }
  const secret = find(docs, 'Secret', 'carevault-secrets');
  if (!secret) problems.push('no Secret carevault-secrets');
  else {
    const values: Record<string, string> = { ...(secret.stringData ?? {}) };
    for (const [k, v] of Object.entries(secret.data ?? {})) values[k] = Buffer.from(String(v), 'base64').toString('utf8');
    for (const k of ['DATABASE_URL', 'ADMIN_TOKEN', 'COOKIE_SECRET', 'TOKEN_SIGNING_KEY']) if (!(k in values)) problems.push(`Secret: no ${k}`);
    for (const [k, v] of Object.entries(values)) if (!String(v).includes('CHANGE-ME')) problems.push(`Secret: ${k} is not a marked CHANGE-ME placeholder (never commit a real secret)`);
    if (values.DATABASE_URL !== undefined && !/^postgres(ql)?:\/\/.+/.test(values.DATABASE_URL)) problems.push('Secret: DATABASE_URL is not a postgres:// URL');
    // Placeholders fail closed: the gateway's config validation (apps/gateway/src/config.ts) must reject them.
    if (values.ADMIN_TOKEN !== undefined && /^\S{16,}$/.test(values.ADMIN_TOKEN)) problems.push('Secret: the ADMIN_TOKEN placeholder would be accepted by the gateway (>= 16 characters, no spaces)');
    if (values.COOKIE_SECRET !== undefined && /^.{32,}$/s.test(values.COOKIE_SECRET)) problems.push('Secret: the COOKIE_SECRET placeholder would be accepted by the gateway (>= 32 characters)');
  }
  return problems;
}

/** The 3-node NATS JetStream StatefulSet, its headless Service, cluster routes and file store volume. */
export function checkNats(docs: Obj[]): string[] {
  const problems: string[] = [];
  const sts = docs.find((o) => o.kind === 'StatefulSet' && (podSpecOf(o)?.containers ?? []).some((c: Obj) => /^nats:/.test(c.image ?? '')));
  if (!sts) return ['no NATS StatefulSet'];
  const name = sts.metadata.name as string;
  if (sts.spec?.replicas !== 3) problems.push(`NATS: replicas is ${sts.spec?.replicas}, expected 3`);
  const container = (podSpecOf(sts)!.containers as Obj[]).find((c) => /^nats:/.test(c.image))!;
  if (!/^nats:2\.9(\.|-|$)/.test(container.image)) problems.push(`NATS: image ${container.image} is not nats:2.9`);
  const headless = find(docs, 'Service', sts.spec?.serviceName);
  if (!headless) problems.push(`NATS: serviceName ${sts.spec?.serviceName} is not a Service`);
  else {
    if (headless.spec?.clusterIP !== 'None') problems.push('NATS: the StatefulSet\'s Service is not headless (clusterIP: None)');
    if (!labelsMatch(headless.spec?.selector, sts.spec?.template?.metadata?.labels)) problems.push('NATS: the headless Service does not select the NATS pods');
  }
  const clientSvc = docs.find((o) => o.kind === 'Service' && o.spec?.clusterIP !== 'None' && labelsMatch(o.spec?.selector, sts.spec?.template?.metadata?.labels) && (o.spec?.ports ?? []).some((p: Obj) => p.port === 4222));
  if (!clientSvc) problems.push('NATS: no client Service on port 4222');
  const natsUrl = String(find(docs, 'ConfigMap', 'carevault-config')?.data?.NATS_URL ?? '');
  if (clientSvc && !natsUrl.split(',').some((u) => u.trim() === `nats://${clientSvc.metadata.name}:4222`)) problems.push(`NATS: NATS_URL ${natsUrl} does not point at the client Service`);

  // The server's configuration: command-line flags or a config file from a ConfigMap volume.
  const argv = [...(container.command ?? []), ...(container.args ?? [])].map(String);
  const conf = natsConfigOf(docs, sts);
  const jsFlag = argv.includes('-js') || argv.includes('--jetstream');
  const jsBlock = conf !== undefined && /(^|\n)\s*(jetstream|js)\s*(\{|:)/.test(conf);
  if (!jsFlag && !jsBlock) problems.push('NATS: JetStream is not enabled (-js or a jetstream block)');
  const storeDir = conf !== undefined ? /store_dir\s*[:=]\s*"?([^\s"]+)/.exec(conf)?.[1] : argv[argv.findIndex((a) => a === '-sd' || a === '--store_dir') + 1];
  const claims = new Set((sts.spec?.volumeClaimTemplates ?? []).map((v: Obj) => v.metadata?.name));
  const mount = (container.volumeMounts ?? []).find((m: Obj) => storeDir !== undefined && (storeDir === m.mountPath || storeDir.startsWith(`${m.mountPath}/`)));
  if (!storeDir) problems.push('NATS: no JetStream store_dir');
  else if (!mount || !claims.has(mount.name)) problems.push(`NATS: the JetStream store ${storeDir} is not on a volumeClaimTemplate`);
  const routes = conf !== undefined ? [...conf.matchAll(/nats(?:-route)?:\/\/([a-z0-9.-]+):(\d+)/g)].map((m) => `${m[1]}:${m[2]}`) : [];
  const expected = Array.from({ length: sts.spec?.replicas ?? 0 }, (_, i) => `${name}-${i}.${sts.spec?.serviceName}`);
  for (const host of expected) if (!routes.some((r) => r === `${host}:6222` || r.startsWith(`${host}.`))) problems.push(`NATS: no cluster route to ${host}:6222`);
  if (conf !== undefined && !/(^|\n)\s*cluster\s*\{/.test(conf)) problems.push('NATS: no cluster block');
  if (conf !== undefined && !/server_name\s*[:=]/.test(conf)) problems.push('NATS: no server_name (JetStream clustering needs a unique one per node)');
  if (!container.readinessProbe || !container.livenessProbe) problems.push('NATS: readiness and liveness probes are needed');
  problems.push(...checkResources(container, 'NATS'));
  return problems;
}

/** The text of nats.conf mounted into the NATS StatefulSet (from a ConfigMap), if it uses one. */
export function natsConfigOf(docs: Obj[], sts: Obj): string | undefined {
  const container = (podSpecOf(sts)?.containers ?? []).find((c: Obj) => /^nats:/.test(c.image ?? ''));
  const argv: string[] = [...(container?.command ?? []), ...(container?.args ?? [])].map(String);
  const i = argv.findIndex((a) => a === '-c' || a === '--config');
  if (i < 0) return undefined;
  const path = argv[i + 1];
  const mount = (container.volumeMounts ?? []).find((m: Obj) => path.startsWith(`${m.mountPath}/`));
  const vol = (podSpecOf(sts)?.volumes ?? []).find((v: Obj) => v.name === mount?.name);
  const cm = vol?.configMap ? find(docs, 'ConfigMap', vol.configMap.name) : undefined;
  return cm?.data?.[path.slice(mount.mountPath.length + 1)];
}

/** kustomization.yaml lists every manifest file under k8s/ exactly once, and nothing else. */
export function checkKustomization(kustomization: Obj, filesOnDisk: string[], namespace = NAMESPACE): string[] {
  const problems: string[] = [];
  const listed: string[] = (kustomization.resources ?? []).map((r: string) => posix.normalize(r));
  const manifests = filesOnDisk.filter((f) => !/(^|\/)kustomization\.ya?ml$/.test(f));
  for (const f of manifests) if (!listed.includes(f)) problems.push(`kustomization: ${f} is not listed in resources`);
  for (const r of listed) if (!manifests.includes(r)) problems.push(`kustomization: resource ${r} is not a manifest file under k8s/`);
  const dup = listed.filter((r, i) => listed.indexOf(r) !== i);
  for (const d of dup) problems.push(`kustomization: ${d} is listed twice`);
  if (kustomization.kind !== 'Kustomization') problems.push('kustomization: kind is not Kustomization');
  if (kustomization.namespace !== namespace) problems.push(`kustomization: namespace is not ${namespace}`);
  return problems;
}

// ---------------------------------------------------------------------------------------------
// docker/compose.yaml

const COMPOSE_SERVICE_KEYS = new Set(
  ('annotations attach blkio_config build cap_add cap_drop cgroup cgroup_parent command configs container_name cpu_count cpu_percent ' +
    'cpu_period cpu_quota cpu_rt_period cpu_rt_runtime cpu_shares cpus cpuset credential_spec depends_on deploy develop ' +
    'device_cgroup_rules devices dns dns_opt dns_search domainname entrypoint env_file environment expose extends external_links ' +
    'extra_hosts gpus group_add healthcheck hostname image init ipc isolation labels label_file links logging mac_address mem_limit ' +
    'mem_reservation mem_swappiness memswap_limit network_mode networks oom_kill_disable oom_score_adj pid pids_limit platform ports ' +
    'post_start pre_stop privileged profiles provider pull_policy read_only restart runtime scale secrets security_opt shm_size ' +
    'stdin_open stop_grace_period stop_signal storage_opt sysctls tmpfs tty ulimits use_api_socket user userns_mode uts volumes ' +
    'volumes_from working_dir').split(' '),
);
const COMPOSE_TOP_KEYS = new Set(['version', 'name', 'include', 'services', 'networks', 'volumes', 'secrets', 'configs', 'models']);
const DEPENDS_CONDITIONS = new Set(['service_started', 'service_healthy', 'service_completed_successfully']);

/** `$$`, `$NAME`, `${NAME}`, `${NAME:-x}`, `${NAME-x}`, `${NAME:?msg}`, `${NAME?msg}`, `${NAME:+x}`: anything else is an error. */
export function interpolationProblems(value: string): string[] {
  const problems: string[] = [];
  for (let i = value.indexOf('$'); i >= 0; i = value.indexOf('$', i + 1)) {
    const rest = value.slice(i);
    if (rest.startsWith('$$')) {
      i++;
      continue;
    }
    if (/^\$[A-Za-z_][A-Za-z0-9_]*/.test(rest)) continue;
    const m = /^\$\{[A-Za-z_][A-Za-z0-9_]*((:?[-?+])[^}]*)?\}/.exec(rest);
    if (!m) problems.push(`bad interpolation at "${rest.slice(0, 30)}"`);
  }
  return problems;
}

function allStrings(v: unknown, out: string[] = []): string[] {
  if (typeof v === 'string') out.push(v);
  else if (Array.isArray(v)) v.forEach((x) => allStrings(x, out));
  else if (v && typeof v === 'object') Object.values(v).forEach((x) => allStrings(x, out));
  return out;
}

const envOf = (svc: Obj): Record<string, string> =>
  Array.isArray(svc.environment)
    ? Object.fromEntries(svc.environment.map((e: string) => [e.split('=')[0], e.split('=').slice(1).join('=')]))
    : Object.fromEntries(Object.entries(svc.environment ?? {}).map(([k, v]) => [k, v === null ? '' : String(v)]));

const dependsOf = (svc: Obj): Record<string, Obj> =>
  Array.isArray(svc.depends_on) ? Object.fromEntries(svc.depends_on.map((d: string) => [d, { condition: 'service_started' }])) : (svc.depends_on ?? {});

const commandOf = (svc: Obj): string[] => (Array.isArray(svc.command) ? svc.command.map(String) : typeof svc.command === 'string' ? svc.command.split(/\s+/) : []);

/** A structural stand-in for `docker compose config` (no compose plugin here) plus the project's rules. */
export function checkCompose(compose: Obj, composeDir = join(ROOT, 'docker')): string[] {
  const problems: string[] = [];
  for (const k of Object.keys(compose ?? {})) if (!COMPOSE_TOP_KEYS.has(k) && !k.startsWith('x-')) problems.push(`compose: unknown top-level key ${k}`);
  for (const s of allStrings(compose)) for (const p of interpolationProblems(s)) problems.push(`compose: ${p}`);
  const services: Obj = compose?.services ?? {};
  const declaredVolumes = new Set(Object.keys(compose?.volumes ?? {}));

  for (const [name, svc] of Object.entries(services) as [string, Obj][]) {
    for (const k of Object.keys(svc)) if (!COMPOSE_SERVICE_KEYS.has(k) && !k.startsWith('x-')) problems.push(`compose ${name}: unknown service key ${k}`);
    if (!svc.image && !svc.build) problems.push(`compose ${name}: neither image nor build`);
    for (const [dep, spec] of Object.entries(dependsOf(svc))) {
      if (!services[dep]) problems.push(`compose ${name}: depends_on unknown service ${dep}`);
      if (!DEPENDS_CONDITIONS.has(spec?.condition ?? 'service_started')) problems.push(`compose ${name}: depends_on ${dep} has an unknown condition ${spec?.condition}`);
    }
    if (svc.restart !== undefined && !/^(no|always|unless-stopped|on-failure(:\d+)?)$/.test(String(svc.restart))) problems.push(`compose ${name}: bad restart ${svc.restart}`);
    for (const v of svc.volumes ?? []) {
      const source = typeof v === 'string' ? v.split(':')[0] : v.source;
      if (source && !/^[./~]/.test(source) && !declaredVolumes.has(source)) problems.push(`compose ${name}: volume ${source} is not declared under volumes`);
    }
    if (svc.build) {
      const context = resolve(composeDir, typeof svc.build === 'string' ? svc.build : (svc.build.context ?? '.'));
      const dockerfile = typeof svc.build === 'object' && svc.build.dockerfile ? svc.build.dockerfile : 'Dockerfile';
      if (!existsSync(resolve(context, dockerfile))) problems.push(`compose ${name}: build dockerfile ${dockerfile} not found in context ${relative(ROOT, context) || '.'}`);
    }
  }
  // No dependency cycles.
  const visiting = new Set<string>();
  const done = new Set<string>();
  const visit = (n: string, path: string[]) => {
    if (done.has(n) || !services[n]) return;
    if (visiting.has(n)) {
      problems.push(`compose: depends_on cycle ${[...path, n].join(' -> ')}`);
      return;
    }
    visiting.add(n);
    for (const d of Object.keys(dependsOf(services[n]))) visit(d, [...path, n]);
    visiting.delete(n);
    done.add(n);
  };
  Object.keys(services).forEach((n) => visit(n, []));

  // The project's stack.
  const pg = services.postgres;
  if (!pg) problems.push('compose: no postgres service');
  else {
    if (!/^postgres:15(\.|-|$)/.test(pg.image ?? '')) problems.push('compose: postgres is not postgres:15');
    if (!pg.healthcheck?.test) problems.push('compose: postgres has no healthcheck (migrate waits for service_healthy)');
  }
  const nats = services.nats;
  if (!nats) problems.push('compose: no nats service');
  else {
    if (!/^nats:2\.9(\.|-|$)/.test(nats.image ?? '')) problems.push('compose: nats is not nats:2.9');
    const cmd = commandOf(nats);
    if (!cmd.includes('-js') && !cmd.includes('--jetstream')) problems.push('compose: nats runs without -js (JetStream)');
    const sd = cmd[cmd.findIndex((a) => a === '-sd' || a === '--store_dir') + 1];
    const vols: string[] = (nats.volumes ?? []).map((v: string | Obj) => (typeof v === 'string' ? v.split(':')[1] : v.target));
    if (!sd || !vols.some((t) => t === sd || sd.startsWith(`${t}/`))) problems.push('compose: nats keeps its JetStream store (-sd) outside a volume');
  }
  const migrate = services.migrate;
  let image: string | undefined;
  if (!migrate) problems.push('compose: no migrate service');
  else {
    image = migrate.image;
    if (!commandOf(migrate).some((a) => /dist\/tools\/migrate\.js$|^migrate$/.test(a))) problems.push('compose: migrate does not run dist/tools/migrate.js');
    if (dependsOf(migrate).postgres?.condition !== 'service_healthy') problems.push('compose: migrate does not wait for postgres service_healthy');
    if (!['no', undefined].includes(migrate.restart)) problems.push('compose: migrate is one-shot: restart must be "no"');
    if (!migrate.build) problems.push('compose: migrate has no build of docker/Dockerfile');
  }
  for (const app of APPS) {
    const svc = services[app];
    if (!svc) {
      problems.push(`compose: no ${app} service`);
      continue;
    }
    const env = envOf(svc);
    if (env.APP !== app && commandOf(svc)[0] !== app) problems.push(`compose ${app}: APP is not ${app} (environment or command)`);
    if (image === undefined || svc.image !== image) problems.push(`compose ${app}: does not use the one image (${image})`);
    if (dependsOf(svc).migrate?.condition !== 'service_completed_successfully') problems.push(`compose ${app}: does not depend on migrate service_completed_successfully`);
    for (const k of ['DATABASE_URL', 'NATS_URL', 'LOG_LEVEL', 'NODE_ENV', 'HEALTH_PORT']) if (!env[k]) problems.push(`compose ${app}: no ${k}`);
    if (env.NODE_ENV && env.NODE_ENV !== 'production') problems.push(`compose ${app}: NODE_ENV is not production`);
    if (env.NATS_URL && !/^nats:\/\/nats:4222$/.test(env.NATS_URL)) problems.push(`compose ${app}: NATS_URL does not point at the nats service`);
    if (env.DATABASE_URL && !/@postgres:5432\//.test(env.DATABASE_URL)) problems.push(`compose ${app}: DATABASE_URL does not point at the postgres service`);
  }
  const gw = services.gateway;
  if (gw) {
    const env = envOf(gw);
    for (const k of ['PORT', 'PUBLIC_URL', 'ADMIN_TOKEN', 'COOKIE_SECRET', 'TOKEN_SIGNING_KEY']) if (!env[k]) problems.push(`compose gateway: no ${k}`);
    if (!(gw.ports ?? []).some((p: unknown) => (typeof p === 'string' ? /:8080$/.test(p) : (p as Obj)?.target === 8080))) problems.push('compose gateway: port 8080 is not published');
  }
  if (services['partner-push'] && !envOf(services['partner-push']).WEBHOOK_TIMEOUT_MS) problems.push('compose partner-push: no WEBHOOK_TIMEOUT_MS');
  return problems;
}

// ---------------------------------------------------------------------------------------------
// Dockerfile

export interface Instruction {
  keyword: string; // upper case
  args: string; // after flags
  flags: Record<string, string>;
  json?: string[]; // exec (JSON) form
  line: number;
}

const DOCKERFILE_KEYWORDS = new Set(['FROM', 'RUN', 'CMD', 'LABEL', 'EXPOSE', 'ENV', 'ADD', 'COPY', 'ENTRYPOINT', 'VOLUME', 'USER', 'WORKDIR', 'ARG', 'ONBUILD', 'STOPSIGNAL', 'HEALTHCHECK', 'SHELL', 'MAINTAINER']);

/** A small Dockerfile parser: parser directives, comments, line continuations, flags, JSON form. No heredocs. */
export function parseDockerfile(text: string): { directives: Record<string, string>; instructions: Instruction[]; errors: string[] } {
  const lines = text.split(/\r?\n/);
  const directives: Record<string, string> = {};
  const instructions: Instruction[] = [];
  const errors: string[] = [];
  let i = 0;
  for (; i < lines.length; i++) {
    const m = /^#\s*([a-zA-Z]+)\s*=\s*(\S+)\s*$/.exec(lines[i]);
    if (!m) break;
    directives[m[1].toLowerCase()] = m[2];
  }
  const escape = directives.escape ?? '\\';
  let buf = '';
  let start = 0;
  for (; i < lines.length; i++) {
    const raw = lines[i];
    if (/^\s*#/.test(raw)) continue; // comments, also inside a continued instruction
    if (buf === '' && raw.trim() === '') continue;
    if (buf === '') start = i + 1;
    const trimmed = raw.replace(/\s+$/, '');
    if (trimmed.endsWith(escape)) {
      buf += trimmed.slice(0, -1) + ' ';
      continue;
    }
    buf += trimmed;
    const m = /^\s*(\S+)\s*(.*)$/s.exec(buf);
    buf = '';
    if (!m) continue;
    const keyword = m[1].toUpperCase();
    if (!DOCKERFILE_KEYWORDS.has(keyword)) errors.push(`line ${start}: unknown instruction ${m[1]}`);
    let rest = m[2];
    if (/<<-?["']?[A-Za-z]/.test(rest)) errors.push(`line ${start}: heredocs are not supported by this parser`);
    const flags: Record<string, string> = {};
    if (['FROM', 'COPY', 'ADD', 'RUN', 'HEALTHCHECK'].includes(keyword)) {
      for (let f = /^--([a-z-]+)(?:=(\S*))?\s*/.exec(rest); f; f = /^--([a-z-]+)(?:=(\S*))?\s*/.exec(rest)) {
        flags[f[1]] = f[2] ?? 'true';
        rest = rest.slice(f[0].length);
      }
    }
    let json: string[] | undefined;
    const jsonText = keyword === 'HEALTHCHECK' ? rest.replace(/^CMD\s+/i, '') : rest;
    if (jsonText.trim().startsWith('[')) {
      try {
        const parsed = JSON.parse(jsonText);
        if (!Array.isArray(parsed) || !parsed.every((x) => typeof x === 'string')) throw new Error('not an array of strings');
        json = parsed;
      } catch (e) {
        if (['CMD', 'ENTRYPOINT', 'RUN', 'SHELL', 'HEALTHCHECK', 'COPY', 'ADD', 'VOLUME'].includes(keyword)) errors.push(`line ${start}: ${keyword} exec form is not valid JSON (${(e as Error).message})`);
      }
    }
    instructions.push({ keyword, args: rest.trim(), flags, json, line: start });
  }
  if (buf !== '') errors.push('the file ends inside a continued line');
  if (instructions.length === 0 || !['FROM', 'ARG'].includes(instructions[0].keyword)) errors.push('a Dockerfile must start with FROM (or ARG)');
  return { directives, instructions, errors };
}

export interface Stage {
  name?: string;
  base: string; // after global ARG substitution
  instructions: Instruction[];
}

export function stagesOf(instructions: Instruction[]): { globalArgs: Record<string, string>; stages: Stage[] } {
  const globalArgs: Record<string, string> = {};
  const stages: Stage[] = [];
  for (const ins of instructions) {
    if (ins.keyword === 'FROM') {
      const m = /^(\S+)(?:\s+AS\s+(\S+))?$/i.exec(ins.args);
      const base = (m?.[1] ?? ins.args).replace(/\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?/g, (_, n) => globalArgs[n] ?? '');
      stages.push({ name: m?.[2]?.toLowerCase(), base, instructions: [] });
    } else if (stages.length === 0) {
      if (ins.keyword === 'ARG') {
        const [k, ...v] = ins.args.split('=');
        globalArgs[k.trim()] = v.join('=').replace(/^"(.*)"$/, '$1');
      }
    } else stages[stages.length - 1].instructions.push(ins);
  }
  return { globalArgs, stages };
}

/** Splits a shell-form COPY/ADD into sources and destination (no quoting support needed here). */
function copyOperands(ins: Instruction): { sources: string[]; dest: string } {
  const parts = ins.json ?? ins.args.split(/\s+/).filter(Boolean);
  return { sources: parts.slice(0, -1), dest: parts[parts.length - 1] };
}

/** docker/Dockerfile: multi-stage (deps -> build -> runtime), APP selection, non-root, ports, context files. */
export function checkDockerfile(text: string, opts: { root?: string; dockerignore?: string } = {}): string[] {
  const root = opts.root ?? ROOT;
  const { instructions, errors } = parseDockerfile(text);
  const problems = [...errors];
  const { stages } = stagesOf(instructions);
  if (stages.length < 3) problems.push(`Dockerfile: ${stages.length} stage(s); expected a multi-stage build (deps -> build -> runtime)`);
  const names = stages.map((s) => s.name);
  for (const n of ['deps', 'build', 'runtime']) if (!names.includes(n)) problems.push(`Dockerfile: no stage named ${n}`);
  const dupNames = names.filter((n, i) => n && names.indexOf(n) !== i);
  for (const n of dupNames) problems.push(`Dockerfile: stage ${n} is defined twice`);
  const runs = (s: Stage | undefined) => (s?.instructions ?? []).filter((i) => i.keyword === 'RUN').map((i) => i.args);
  const byName = (n: string) => stages.find((s) => s.name === n);
  const ancestry = (s: Stage | undefined): Stage[] => (s ? [s, ...ancestry(stages.find((p) => p.name && p.name === s.base.toLowerCase() && p !== s))] : []);
  const buildChain = ancestry(byName('build'));
  if (!buildChain.flatMap(runs).some((r) => /\bnpm ci\b/.test(r) && !/--omit[= ]dev|--production\b/.test(r))) problems.push('Dockerfile: the build stage does not install all dependencies with npm ci');
  if (!runs(byName('build')).some((r) => /\bnode tools\/build\.mjs\b/.test(r))) problems.push('Dockerfile: the build stage does not run node tools/build.mjs');
  if (!stages.flatMap(runs).some((r) => /\bnpm ci\b.*--omit[= ]dev/.test(r))) problems.push('Dockerfile: no npm ci --omit=dev for the runtime dependencies');

  const runtime = stages[stages.length - 1];
  if (runtime) {
    if (runtime.name !== 'runtime') problems.push('Dockerfile: the last stage is not runtime');
    if (!/^node:20(\.\d+)*-bookworm-slim(@sha256:[0-9a-f]+)?$/.test(runtime.base)) problems.push(`Dockerfile: runtime is FROM ${runtime.base}, expected node:20-bookworm-slim`);
    const ri = runtime.instructions;
    if (!ri.some((i) => i.keyword === 'ARG' && /^APP=gateway$/.test(i.args))) problems.push('Dockerfile: runtime has no ARG APP=gateway');
    if (!ri.some((i) => i.keyword === 'ENV' && /(^|\s)APP=\$\{?APP\}?(\s|$)/.test(i.args))) problems.push('Dockerfile: runtime does not set ENV APP=${APP}');
    if (!ri.some((i) => i.keyword === 'ENV' && /(^|\s)NODE_ENV=production(\s|$)/.test(i.args))) problems.push('Dockerfile: runtime does not set NODE_ENV=production');
    const user = [...ri].reverse().find((i) => i.keyword === 'USER')?.args;
    if (!user || /^(root|0)(:|$)/.test(user)) problems.push('Dockerfile: runtime does not run as a non-root USER');
    const exposed = ri.filter((i) => i.keyword === 'EXPOSE').flatMap((i) => i.args.split(/\s+/)).map((p) => p.replace(/\/tcp$/, ''));
    for (const p of ['8080', '9000']) if (!exposed.includes(p)) problems.push(`Dockerfile: runtime does not EXPOSE ${p}`);
    const entry = [...ri].reverse().find((i) => i.keyword === 'ENTRYPOINT' || i.keyword === 'CMD');
    if (!entry?.json) problems.push('Dockerfile: runtime has no exec-form ENTRYPOINT/CMD (signals must reach node)');
    // The entrypoint script must come from the build context and exist in the repository.
    const entrypoint = ri.find((i) => i.keyword === 'ENTRYPOINT')?.json?.[0];
    if (entrypoint) {
      const copied = ri.filter((i) => i.keyword === 'COPY' && !i.flags.from).flatMap((i) => copyOperands(i).sources);
      if (!copied.some((src) => posix.basename(src) === posix.basename(entrypoint))) problems.push(`Dockerfile: ENTRYPOINT ${entrypoint} is not copied into the runtime stage`);
    }
    for (const i of ri.filter((x) => x.keyword === 'COPY' && x.flags.from))
      if (byName(i.flags.from)?.name === 'deps') problems.push('Dockerfile: runtime copies from the deps stage (dev dependencies) instead of the production ones');
  }
  // COPY --from names an earlier stage; context sources exist and are not excluded by .dockerignore.
  const ignore = opts.dockerignore ?? (existsSync(join(root, '.dockerignore')) ? readFileSync(join(root, '.dockerignore'), 'utf8') : '');
  stages.forEach((s, idx) => {
    for (const i of s.instructions.filter((x) => x.keyword === 'COPY' || x.keyword === 'ADD')) {
      if (i.flags.from) {
        const earlier = stages.slice(0, idx).some((p) => p.name === i.flags.from.toLowerCase()) || /^\d+$/.test(i.flags.from) || i.flags.from.includes(':');
        if (!earlier) problems.push(`Dockerfile line ${i.line}: COPY --from=${i.flags.from} is not an earlier stage`);
        continue;
      }
      for (const src of copyOperands(i).sources) {
        if (/[*?[]/.test(src)) continue;
        const rel = posix.normalize(src).replace(/^\.?\//, '').replace(/\/$/, '');
        if (!existsSync(join(root, rel))) problems.push(`Dockerfile line ${i.line}: ${src} does not exist in the build context`);
        else if (isDockerIgnored(rel, ignore)) problems.push(`Dockerfile line ${i.line}: ${src} is excluded by .dockerignore`);
        else if (statSync(join(root, rel)).isDirectory() && rel !== '' && isDockerIgnored(`${rel}/x.ts`, ignore)) problems.push(`Dockerfile line ${i.line}: the files of ${src}/ are excluded by .dockerignore`);
      }
    }
  });
  return problems;
}

// ---------------------------------------------------------------------------------------------
// .dockerignore (Docker's rules: patterns match a path or one of its parents, last match wins, ! re-includes)

function ignorePatternToRegExp(pattern: string): RegExp {
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '*') {
      if (pattern[i + 1] === '*') {
        i++;
        if (pattern[i + 1] === '/') {
          i++;
          re += '(?:.*/)?';
        } else re += '.*';
      } else re += '[^/]*';
    } else if (c === '?') re += '[^/]';
    else re += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

export function isDockerIgnored(path: string, dockerignore: string): boolean {
  const rules = dockerignore
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'))
    .map((l) => {
      const negate = l.startsWith('!');
      const p = posix.normalize((negate ? l.slice(1) : l).trim()).replace(/^\/+/, '').replace(/\/+$/, '');
      return { negate, re: ignorePatternToRegExp(p) };
    });
  const segments = path.split('/');
  const candidates = segments.map((_, i) => segments.slice(0, i + 1).join('/'));
  let ignored = false;
  for (const r of rules) if (candidates.some((c) => r.re.test(c))) ignored = !r.negate;
  return ignored;
}

/** .dockerignore keeps the context small and secret-free while letting in what the Dockerfile needs. */
export function checkDockerignore(dockerignore: string): string[] {
  const problems: string[] = [];
  const mustExclude = ['node_modules', 'node_modules/x/index.js', 'dist/apps/gateway/src/main.js', '.git/HEAD', '.env', 'docker/.env', 'apps/gateway/.env', 'apps/gateway/src/main.spec.ts', 'k8s/secret.yaml', '.data/pg/PG_VERSION'];
  const mustInclude = ['package.json', 'package-lock.json', '.npmrc', 'tools/build.mjs', 'libs/contracts/src/index.ts', 'apps/gateway/src/main.ts', 'docker/entrypoint.sh', 'docker/healthcheck.js'];
  for (const p of mustExclude) if (!isDockerIgnored(p, dockerignore)) problems.push(`.dockerignore: ${p} would be sent to the builder`);
  for (const p of mustInclude) if (isDockerIgnored(p, dockerignore)) problems.push(`.dockerignore: ${p} is excluded but the image needs it`);
  return problems;
}
