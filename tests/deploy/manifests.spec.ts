// Validates the deployment files offline: k8s/ against the Kubernetes schemas (kubernetes-models) and
// the project's rules, docker/compose.yaml and docker/Dockerfile structurally, .dockerignore, and the
// image's entrypoint and health check scripts by running them. Each check is also run on a broken
// copy, to show that it can fail.
import { execFile, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { parse } from 'yaml';
import {
  APPS,
  checkApp,
  checkCompose,
  checkConfigAndSecret,
  checkDockerfile,
  checkDockerignore,
  checkKustomization,
  checkMigrationJob,
  checkNats,
  checkReferences,
  find,
  K8S_DIR,
  loadCompose,
  loadK8sObjects,
  natsConfigOf,
  type Obj,
  parseDockerfile,
  ROOT,
  stagesOf,
  validateAgainstSchemas,
  yamlFilesUnder,
} from './deploy-checks';

const clone = <T>(v: T): T => structuredClone(v);

describe('k8s/ manifests', () => {
  const docs = loadK8sObjects();
  const objs = docs.map((d) => d.obj);

  it('parses every YAML document under k8s/', () => {
    expect(yamlFilesUnder(K8S_DIR).length).toBeGreaterThan(5);
    expect(objs.length).toBeGreaterThan(15);
    for (const d of docs) {
      expect(typeof d.obj.apiVersion).toBe('string');
      expect(typeof d.obj.kind).toBe('string');
      expect(typeof d.obj.metadata?.name).toBe('string');
    }
  });

  it('validates every object against the Kubernetes OpenAPI schemas (kubernetes-models)', () => {
    const results = validateAgainstSchemas(objs);
    const failures = results.flatMap((r, i) => (r.ok ? [] : [`${docs[i].file}#${docs[i].index} ${r.kind}/${r.name}: ${r.errors.join('; ')}`]));
    expect(failures).toEqual([]);
  });

  it('reports schema errors for a deliberately broken copy of a manifest', () => {
    const broken = clone(find(objs, 'Deployment', 'gateway')!);
    broken.spec.replicas = 'two';
    delete broken.spec.selector;
    broken.spec.template.spec.containers[0].resources.limits.cpu = 'a lot';
    const svc = clone(find(objs, 'Service', 'gateway')!);
    svc.spec.ports[0].port = '8080';
    const unknown = { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' } };
    const [dep, service, widget] = validateAgainstSchemas([broken, svc, unknown]);
    expect(dep.ok).toBe(false);
    expect(dep.errors.join('\n')).toMatch(/replicas must be integer/);
    expect(dep.errors.join('\n')).toMatch(/required property 'selector'|required property selector/);
    expect(dep.errors.join('\n')).toMatch(/limits\/cpu/);
    expect(service.ok).toBe(false);
    expect(service.errors.join('\n')).toMatch(/port must be integer/);
    expect(widget.ok).toBe(false);
  });

  it('has consistent names, namespace, selectors, references and pod security', () => {
    expect(checkReferences(objs)).toEqual([]);
    expect(find(objs, 'Namespace', 'carevault')).toBeDefined();
  });

  it('catches broken references', () => {
    const broken = clone(objs);
    const dep = find(broken, 'Deployment', 'consent')!;
    dep.spec.template.metadata.labels['app.kubernetes.io/name'] = 'someone-else';
    dep.spec.template.spec.containers[0].env.find((e: Obj) => e.name === 'DATABASE_URL').valueFrom.secretKeyRef.key = 'NOPE';
    dep.spec.template.spec.containers[0].readinessProbe.httpGet.port = 'metrics';
    dep.spec.template.spec.containers[0].image = 'carevault:latest';
    find(broken, 'Service', 'audit')!.metadata.name = 'Audit_Svc';
    expect(checkReferences(broken)).toEqual(
      expect.arrayContaining([
        'Deployment/consent: spec.selector.matchLabels does not match the pod template\'s labels',
        'Deployment/consent container consent: env DATABASE_URL refers to missing key NOPE of Secret carevault-secrets',
        'Deployment/consent container consent: readinessProbe port metrics is not a container port',
        'Deployment/consent container consent: image needs a pinned tag (not latest)',
        'Service/consent: selector matches no workload\'s pods',
        'Service/Audit_Svc: metadata.name is not a valid DNS-1035 label',
      ]),
    );
  });

  describe.each(APPS)('app %s', (app) => {
    it('has a Deployment and a Service, readiness and liveness probes on its port, resources', () => {
      expect(checkApp(objs, app)).toEqual([]);
    });
  });

  it('catches an app without probes, resources or Service', () => {
    const broken = clone(objs);
    const c = find(broken, 'Deployment', 'identity')!.spec.template.spec.containers[0];
    delete c.readinessProbe;
    c.livenessProbe.httpGet.path = '/live';
    delete c.resources.limits;
    expect(checkApp(broken, 'identity')).toEqual(
      expect.arrayContaining([
        'identity: no readinessProbe (httpGet)',
        'identity: livenessProbe path is /live, expected /healthz',
        'identity: no resources.limits.cpu',
        'identity: no resources.limits.memory',
      ]),
    );
    const gatewayOnHealthPort = clone(objs);
    find(gatewayOnHealthPort, 'Deployment', 'gateway')!.spec.template.spec.containers[0].readinessProbe.httpGet.path = '/readyz';
    expect(checkApp(gatewayOnHealthPort, 'gateway')).toContain('gateway: readinessProbe path is /readyz, expected /health');
    const noService = objs.filter((o) => !(o.kind === 'Service' && o.metadata.name === 'audit'));
    expect(checkApp(noService, 'audit')).toEqual(['audit: no Service']);
    expect(checkApp(objs.filter((o) => o.metadata.name !== 'consent'), 'consent')).toEqual(['consent: no Deployment']);
  });

  it('has a migration Job running dist/tools/migrate.js', () => {
    expect(checkMigrationJob(objs)).toEqual([]);
    expect(checkMigrationJob(objs.filter((o) => o.kind !== 'Job'))).toEqual(['no Job runs the migrations (dist/tools/migrate.js)']);
  });

  it('has a ConfigMap of non-secret env and a Secret of marked, fail-closed placeholders only', () => {
    expect(checkConfigAndSecret(objs)).toEqual([]);
    const leaked = clone(objs);
    find(leaked, 'Secret', 'carevault-secrets')!.stringData.ADMIN_TOKEN = 's3cr3t-real-token';
    find(leaked, 'ConfigMap', 'carevault-config')!.data.COOKIE_SECRET = 'x'.repeat(40);
    find(leaked, 'Secret', 'carevault-secrets')!.stringData.COOKIE_SECRET = 'CHANGE-ME-but-long-enough-to-be-accepted-by-the-gateway';
    expect(checkConfigAndSecret(leaked)).toEqual([
      'ConfigMap: COOKIE_SECRET is a secret and belongs in the Secret',
      'Secret: ADMIN_TOKEN is not a marked CHANGE-ME placeholder (never commit a real secret)',
      'Secret: the ADMIN_TOKEN placeholder would be accepted by the gateway (>= 16 characters, no spaces)',
      'Secret: the COOKIE_SECRET placeholder would be accepted by the gateway (>= 32 characters)',
    ]);
  });

  it('runs NATS as a 3-replica JetStream StatefulSet with cluster routes through a headless Service', () => {
    expect(checkNats(objs)).toEqual([]);
  });

  it('catches a NATS StatefulSet that is not a 3-node JetStream cluster', () => {
    const broken = clone(objs);
    find(broken, 'StatefulSet', 'nats')!.spec.replicas = 1;
    const cm = find(broken, 'ConfigMap', 'nats-config')!;
    cm.data['nats.conf'] = cm.data['nats.conf'].replace(/jetstream\s*\{[^}]*\}/, '').replace(/nats:\/\/nats-2\.nats-headless:6222/, '');
    find(broken, 'Service', 'nats-headless')!.spec.clusterIP = '10.0.0.1';
    expect(checkNats(broken)).toEqual(
      expect.arrayContaining([
        'NATS: replicas is 1, expected 3',
        'NATS: JetStream is not enabled (-js or a jetstream block)',
        "NATS: the StatefulSet's Service is not headless (clusterIP: None)",
      ]),
    );
    const twoRoutes = clone(objs);
    const conf = find(twoRoutes, 'ConfigMap', 'nats-config')!;
    conf.data['nats.conf'] = conf.data['nats.conf'].replace(/nats:\/\/nats-2\.nats-headless:6222/, '');
    expect(checkNats(twoRoutes)).toEqual(['NATS: no cluster route to nats-2.nats-headless:6222']);
  });

  const natsServer = spawnSync('nats-server', ['--version'], { encoding: 'utf8' });
  (natsServer.status === 0 ? it : it.skip)('has a nats.conf that nats-server itself accepts (nats-server -t)', () => {
    const conf = natsConfigOf(objs, find(objs, 'StatefulSet', 'nats')!);
    expect(conf).toBeDefined();
    const dir = mkdtempSync(join(tmpdir(), 'carevault-nats-'));
    try {
      writeFileSync(join(dir, 'nats.conf'), conf!);
      const ok = spawnSync('nats-server', ['-c', join(dir, 'nats.conf'), '-t'], { encoding: 'utf8', env: { ...process.env, SERVER_NAME: 'nats-0' } });
      expect(`${ok.stdout}${ok.stderr}`).toMatch(/valid/);
      expect(ok.status).toBe(0);
      writeFileSync(join(dir, 'bad.conf'), conf!.replace('jetstream {', 'jetstream {\n  store_dir: [unclosed'));
      const bad = spawnSync('nats-server', ['-c', join(dir, 'bad.conf'), '-t'], { encoding: 'utf8', env: { ...process.env, SERVER_NAME: 'nats-0' } });
      expect(bad.status).not.toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('k8s/kustomization.yaml', () => {
  const kustomization = parse(readFileSync(join(K8S_DIR, 'kustomization.yaml'), 'utf8')) as Obj;
  const files = yamlFilesUnder(K8S_DIR);

  it('lists every manifest file under k8s/ and nothing else', () => {
    expect(checkKustomization(kustomization, files)).toEqual([]);
  });

  it('catches a manifest left out and a resource that does not exist', () => {
    const broken = clone(kustomization);
    broken.resources = broken.resources.filter((r: string) => r !== 'apps/audit.yaml').concat(['apps/billing.yaml', 'nats.yaml']);
    expect(checkKustomization(broken, files)).toEqual([
      'kustomization: apps/audit.yaml is not listed in resources',
      'kustomization: resource apps/billing.yaml is not a manifest file under k8s/',
      'kustomization: nats.yaml is listed twice',
    ]);
  });
});

describe('per-service V8 flags', () => {
  // tools/lib/devconfig.cjs is what `npm start` and the tests use; the deployments must run services the same way.
  const { SERVICE_NODE_OPTIONS } = createRequire(__filename)(join(ROOT, 'tools/lib/devconfig.cjs')) as { SERVICE_NODE_OPTIONS: Record<string, string> };
  const k8sNodeOptions = (app: string): string => {
    const deployment = loadK8sObjects().find((d) => d.obj.kind === 'Deployment' && d.obj.metadata?.name === app)?.obj as Obj;
    const env = (deployment.spec.template.spec.containers[0].env ?? []) as { name: string; value?: string }[];
    return env.find((e) => e.name === 'NODE_OPTIONS')?.value ?? '';
  };

  it.each(APPS)('%s runs with the same flags in k8s/ and docker/compose.yaml as under npm start', (app) => {
    const flags = (SERVICE_NODE_OPTIONS[app] ?? '').split(' ').filter(Boolean);
    const composeOptions = String(loadCompose().services[app].environment.NODE_OPTIONS ?? '');
    for (const flag of flags) {
      expect(k8sNodeOptions(app).split(' ')).toContain(flag);
      expect(composeOptions.split(' ')).toContain(flag);
    }
  });

  it('the record store caps its young generation', () => {
    expect(SERVICE_NODE_OPTIONS['record-store']).toMatch(/--max-semi-space-size=\d+/);
  });
});

describe('docker/compose.yaml', () => {
  const compose = loadCompose();

  it('has postgres, nats (JetStream on a volume), the one-shot migrate and all seven apps after it', () => {
    expect(checkCompose(compose)).toEqual([]);
    for (const s of ['postgres', 'nats', 'migrate', ...APPS]) expect(compose.services[s]).toBeDefined();
  });

  it('catches apps that do not wait for the migrations, a nats without JetStream, typos', () => {
    const broken = clone(compose);
    broken.services.audit.depends_on.migrate.condition = 'service_started';
    delete broken.services.consent.depends_on;
    broken.services.nats.command = ['nats-server'];
    broken.services.migrate.depends_on.postgres.condition = 'service_started';
    broken.services.identity['depends-on'] = ['nats'];
    broken.services.gateway.environment.ADMIN_TOKEN = '${ADMIN_TOKEN';
    delete broken.services['record-store'];
    expect(checkCompose(broken)).toEqual(
      expect.arrayContaining([
        'compose audit: does not depend on migrate service_completed_successfully',
        'compose consent: does not depend on migrate service_completed_successfully',
        'compose: nats runs without -js (JetStream)',
        'compose: migrate does not wait for postgres service_healthy',
        'compose identity: unknown service key depends-on',
        'compose: bad interpolation at "${ADMIN_TOKEN"',
        'compose: no record-store service',
      ]),
    );
  });
});

describe('docker/Dockerfile', () => {
  const text = readFileSync(join(ROOT, 'docker/Dockerfile'), 'utf8');

  it('parses: multi-stage deps -> build -> runtime on node:20-bookworm-slim', () => {
    const { instructions, errors, directives } = parseDockerfile(text);
    expect(errors).toEqual([]);
    expect(directives.syntax).toMatch(/^docker\/dockerfile:1/);
    const { stages } = stagesOf(instructions);
    expect(stages.map((s) => s.name)).toEqual(['deps', 'build', 'prod-deps', 'runtime']);
    expect(stages[3].base).toBe('node:20-bookworm-slim');
    expect(instructions.filter((i) => i.keyword === 'FROM').length).toBe(4);
  });

  it('selects the app with APP (default gateway), runs as non-root, exposes 8080 and 9000', () => {
    expect(checkDockerfile(text)).toEqual([]);
  });

  it('catches a single-stage Dockerfile without APP selection', () => {
    const single = ['FROM node:20', 'WORKDIR /app', 'COPY . .', 'RUN npm install', 'CMD node dist/apps/gateway/src/main.js', 'EXPOSE 8080', 'RUNN echo typo'].join('\n');
    const problems = checkDockerfile(single);
    expect(problems).toEqual(
      expect.arrayContaining([
        'line 7: unknown instruction RUNN',
        'Dockerfile: 1 stage(s); expected a multi-stage build (deps -> build -> runtime)',
        'Dockerfile: no stage named deps',
        'Dockerfile: runtime has no ARG APP=gateway',
        'Dockerfile: runtime does not run as a non-root USER',
        'Dockerfile: runtime does not EXPOSE 9000',
        'Dockerfile: no npm ci --omit=dev for the runtime dependencies',
      ]),
    );
  });

  it('catches a COPY of a file the .dockerignore excludes, and a bad exec form', () => {
    const broken = text.replace('COPY tools ./tools', 'COPY tools ./tools\nCOPY k8s ./k8s').replace('ENTRYPOINT ["/app/docker/entrypoint.sh"]', "ENTRYPOINT ['/app/docker/entrypoint.sh']");
    const problems = checkDockerfile(broken);
    expect(problems.some((p) => /k8s is excluded by \.dockerignore/.test(p))).toBe(true);
    expect(problems.some((p) => /ENTRYPOINT exec form is not valid JSON/.test(p))).toBe(true);
  });
});

describe('.dockerignore', () => {
  const ignore = readFileSync(join(ROOT, '.dockerignore'), 'utf8');

  it('sends what the image needs and keeps node_modules, dist, .git, .env and tests out', () => {
    expect(checkDockerignore(ignore)).toEqual([]);
  });

  it('catches a context that leaks .env or misses the sources', () => {
    const leaky = ignore.replace(/^\*\*\/\.env$/m, '').replace(/^!tools$/m, '');
    expect(checkDockerignore(leaky)).toEqual(['.dockerignore: apps/gateway/.env would be sent to the builder', '.dockerignore: tools/build.mjs is excluded but the image needs it']);
  });
});

describe('docker/entrypoint.sh', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'carevault-entrypoint-'));
    const main = 'process.stdout.write(JSON.stringify({ file: __filename.split("/dist/")[1], app: process.env.APP, argv: process.argv.slice(2) }));';
    for (const app of APPS) {
      mkdirSync(join(dir, 'dist/apps', app, 'src'), { recursive: true });
      writeFileSync(join(dir, 'dist/apps', app, 'src/main.js'), main);
    }
    mkdirSync(join(dir, 'dist/tools'), { recursive: true });
    writeFileSync(join(dir, 'dist/tools/migrate.js'), main);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const run = (args: string[], env: Record<string, string> = {}, cwd = dir) => {
    const r = spawnSync('sh', [join(ROOT, 'docker/entrypoint.sh'), ...args], {
      cwd,
      encoding: 'utf8',
      env: { PATH: [join(process.execPath, '..'), process.env.PATH ?? ''].join(delimiter), ...env },
    });
    return { status: r.status, out: r.stdout ? (JSON.parse(r.stdout) as Obj) : undefined, stderr: r.stderr };
  };

  it('starts $APP, gateway by default', () => {
    expect(run([]).out).toEqual({ file: 'apps/gateway/src/main.js', app: 'gateway', argv: [] });
    expect(run([], { APP: 'record-store' }).out).toEqual({ file: 'apps/record-store/src/main.js', app: 'record-store', argv: [] });
  });

  it('starts the app named by the command, and migrate', () => {
    expect(run(['partner-push', '--flag'], { APP: 'gateway' }).out).toEqual({ file: 'apps/partner-push/src/main.js', app: 'partner-push', argv: ['--flag'] });
    expect(run(['migrate']).out).toMatchObject({ file: 'tools/migrate.js' });
    expect(run(['node', 'dist/tools/migrate.js', 'x']).out).toMatchObject({ file: 'tools/migrate.js', argv: ['x'] });
  });

  it('refuses an unknown APP and a missing build', () => {
    const unknown = run([], { APP: 'billing' });
    expect(unknown.status).toBe(64);
    expect(unknown.stderr).toMatch(/unknown APP 'billing'/);
    const empty = mkdtempSync(join(tmpdir(), 'carevault-empty-'));
    try {
      const missing = run([], { APP: 'audit' }, empty);
      expect(missing.status).toBe(66);
      expect(missing.stderr).toMatch(/dist\/apps\/audit\/src\/main\.js is missing/);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });
});

describe('docker/healthcheck.js', () => {
  const listen = (status: number): Promise<Server> =>
    new Promise((ok) => {
      const s = createServer((req, res) => {
        res.statusCode = req.url === '/healthz' ? status : 404;
        res.end();
      });
      s.listen(0, '127.0.0.1', () => ok(s));
    });
  const portOf = (s: Server) => String((s.address() as AddressInfo).port);
  const freePort = async () => {
    const s = await listen(200);
    const p = portOf(s);
    await new Promise((ok) => s.close(ok));
    return p;
  };
  // Asynchronous: the servers above live in this process and must answer while the check runs.
  const check = (env: Record<string, string>) =>
    new Promise<{ code: number; stderr: string }>((ok) => {
      execFile(process.execPath, [join(ROOT, 'docker/healthcheck.js')], { env: { ...env, HEALTHCHECK_TIMEOUT_MS: '2000' } }, (err, _out, stderr) =>
        ok({ code: err ? Number((err as NodeJS.ErrnoException & { code?: number }).code ?? 1) : 0, stderr }),
      );
    });

  it('is healthy when the gateway port or the health port answers /healthz with 2xx', async () => {
    const up = await listen(200);
    const closed = await freePort();
    try {
      expect((await check({ PORT: closed, HEALTH_PORT: portOf(up) })).code).toBe(0);
      expect((await check({ PORT: portOf(up), HEALTH_PORT: closed })).code).toBe(0);
    } finally {
      up.close();
    }
  });

  it('is unhealthy when nothing answers or /healthz fails', async () => {
    const failing = await listen(503);
    const closed = await freePort();
    try {
      const r = await check({ PORT: closed, HEALTH_PORT: portOf(failing) });
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/HTTP 503/);
      expect((await check({ PORT: closed, HEALTH_PORT: closed })).code).toBe(1);
    } finally {
      failing.close();
    }
  });
});
