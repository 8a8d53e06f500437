import {
  AccessMode,
  type ApplicationRegisteredEvent,
  ErrorCode,
  IdentityCmd,
  IdentityEvt,
  Permission,
  type RegisterApplicationRequest,
  type Rule,
  type RuleSetChangedEvent,
} from '@carevault/contracts';
import { createHash, randomUUID } from 'node:crypto';
import { type IdentityHarness, fieldsOf, rpcError, startIdentity } from '../../test/identity-harness';

const rule = (over: Partial<Rule> = {}): Rule => ({
  name: 'read-meds',
  reason: 'to show your medications',
  dataTypes: ['MedicationStatement'],
  permissions: [Permission.Read],
  mode: AccessMode.Online,
  required: true,
  ...over,
});
const webApp = (over: Partial<RegisterApplicationRequest> = {}): RegisterApplicationRequest => ({
  name: 'Corner Pharmacy',
  description: 'refills',
  kind: 'web',
  redirectUris: ['https://pharmacy.example/callback', 'http://localhost:3000/cb'],
  webhookUrl: 'https://pharmacy.example/hooks',
  rules: [rule(), rule({ name: 'write-obs', dataTypes: ['Observation'], permissions: [Permission.Create, Permission.Read], mode: AccessMode.Offline, required: false })],
  ...over,
});
const sha256 = (s: string) => createHash('sha256').update(s).digest();

describe('identity: applications registry (real PostgreSQL, private NATS)', () => {
  let h: IdentityHarness;
  const register = (req: RegisterApplicationRequest) => h.rpc.request(IdentityCmd.RegisterApplication, req);

  beforeAll(async () => {
    h = await startIdentity();
  });
  afterAll(async () => {
    await h?.stop();
  });

  it('registers a web app: secrets shown once, stored hashed (client) and as whsec_ (webhook), event without secrets', async () => {
    const res = await register(webApp());
    expect(res).toMatchObject({ kind: 'web', ruleSetVersion: 1, hasClientSecret: true, rules: webApp().rules, redirectUris: webApp().redirectUris });
    expect(res.clientSecret).toMatch(/^cvs_/);
    expect(res.webhookSecret).toMatch(/^whsec_/);

    const [row] = await h.sql<{ client_secret_hash: Buffer; webhook_secret: string }>(
      `SELECT client_secret_hash, webhook_secret FROM identity.applications WHERE id = $1`,
      [res.appId],
    );
    expect(row!.client_secret_hash).toEqual(sha256(res.clientSecret!));
    const everything = JSON.stringify(await h.sql(`SELECT * FROM identity.applications a JOIN identity.application_rule_sets r ON r.app_id = a.id WHERE a.id = $1`, [res.appId]));
    expect(everything).not.toContain(res.clientSecret);

    const got = await h.rpc.request(IdentityCmd.GetApplication, { appId: res.appId });
    expect(got).not.toHaveProperty('clientSecret');
    expect(got).not.toHaveProperty('webhookSecret');
    const { clientSecret: _c, webhookSecret: _w, ...view } = res;
    expect(got).toEqual(view);
    expect(await h.rpc.request(IdentityCmd.GetApplicationByClientId, { clientId: res.clientId })).toEqual(view);
    expect(await h.rpc.request(IdentityCmd.GetWebhookConfig, { appId: res.appId })).toEqual({ appId: res.appId, webhookUrl: webApp().webhookUrl, webhookSecret: res.webhookSecret });

    const event = await h.lastEvent<ApplicationRegisteredEvent>(IdentityEvt.ApplicationRegistered, (e) => e.data.appId === res.appId);
    expect(event).toMatchObject({ type: 'application.registered', data: { clientId: res.clientId, kind: 'web', ruleSetVersion: 1, rules: webApp().rules } });
    expect(JSON.stringify(event)).not.toContain(res.clientSecret);
    expect(JSON.stringify(event)).not.toContain(res.webhookSecret);
  });

  it('registers a device app without a client secret', async () => {
    const res = await register(webApp({ kind: 'device', redirectUris: [], webhookUrl: undefined, rules: [rule({ mode: AccessMode.Offline })] }));
    expect(res.clientSecret).toBeUndefined();
    expect(res.webhookSecret).toBeUndefined();
    expect(res.hasClientSecret).toBe(false);
    expect(await h.rpc.request(IdentityCmd.VerifyClientSecret, { clientId: res.clientId, clientSecret: '' })).toEqual({ valid: false, appId: null });
    expect((await rpcError(h.rpc.request(IdentityCmd.RotateSecret, { appId: res.appId }))).code).toBe(ErrorCode.CONFLICT);
  });

  it('replaces the rule set: version 2 is current, version 1 is still readable, and an event tells what became required', async () => {
    const app = await register(webApp());
    const next = [rule({ reason: 'still meds' }), rule({ name: 'write-obs', dataTypes: ['Observation'], permissions: [Permission.Create], mode: AccessMode.Offline, required: true })];
    const v2 = await h.rpc.request(IdentityCmd.ReplaceRules, { appId: app.appId, rules: next });
    expect(v2).toEqual({ appId: app.appId, version: 2, rules: next, createdAt: expect.any(String) });
    expect((await h.rpc.request(IdentityCmd.GetApplication, { appId: app.appId })).ruleSetVersion).toBe(2);
    expect((await h.rpc.request(IdentityCmd.GetRuleSet, { appId: app.appId })).version).toBe(2);
    const v1 = await h.rpc.request(IdentityCmd.GetRuleSet, { appId: app.appId, version: 1 });
    expect(v1).toMatchObject({ version: 1, rules: webApp().rules });
    expect((await rpcError(h.rpc.request(IdentityCmd.GetRuleSet, { appId: app.appId, version: 3 }))).code).toBe(ErrorCode.NOT_FOUND);

    const event = await h.lastEvent<RuleSetChangedEvent>(IdentityEvt.RuleSetChanged, (e) => e.data.appId === app.appId);
    expect(event.data).toMatchObject({ version: 2, previousVersion: 1, requiredRulesAdded: ['write-obs'], rules: next });
  });

  it('numbers concurrent rule-set replacements without gaps or clashes', async () => {
    const app = await register(webApp());
    const versions = await Promise.all([1, 2, 3, 4].map((i) => h.rpc.request(IdentityCmd.ReplaceRules, { appId: app.appId, rules: [rule({ reason: `r${i}` })] })));
    expect(versions.map((v) => v.version).sort()).toEqual([2, 3, 4, 5]);
  });

  it('rotates the client secret: the new one verifies, the old one stops at once', async () => {
    const app = await register(webApp());
    const check = (clientSecret: string) => h.rpc.request(IdentityCmd.VerifyClientSecret, { clientId: app.clientId, clientSecret });
    expect(await check(app.clientSecret!)).toEqual({ valid: true, appId: app.appId });
    const rotated = await h.rpc.request(IdentityCmd.RotateSecret, { appId: app.appId });
    expect(rotated).toEqual({ appId: app.appId, clientId: app.clientId, clientSecret: expect.stringMatching(/^cvs_/), rotatedAt: expect.any(String) });
    expect(rotated.clientSecret).not.toBe(app.clientSecret);
    expect(await check(app.clientSecret!)).toEqual({ valid: false, appId: null });
    expect(await check(rotated.clientSecret)).toEqual({ valid: true, appId: app.appId });
    expect(await h.rpc.request(IdentityCmd.VerifyClientSecret, { clientId: 'cv_unknown', clientSecret: rotated.clientSecret })).toEqual({ valid: false, appId: null });
  });

  it('answers NOT_FOUND for unknown applications', async () => {
    const calls = [
      () => h.rpc.request(IdentityCmd.GetApplication, { appId: randomUUID() }),
      () => h.rpc.request(IdentityCmd.GetApplicationByClientId, { clientId: 'cv_nope' }),
      () => h.rpc.request(IdentityCmd.ReplaceRules, { appId: randomUUID(), rules: [rule()] }),
      () => h.rpc.request(IdentityCmd.RotateSecret, { appId: randomUUID() }),
      () => h.rpc.request(IdentityCmd.GetRuleSet, { appId: randomUUID() }),
      () => h.rpc.request(IdentityCmd.GetWebhookConfig, { appId: randomUUID() }),
    ];
    for (const call of calls) expect((await rpcError(call())).code).toBe(ErrorCode.NOT_FOUND);
  });

  describe('validation: VALIDATION_FAILED naming the field', () => {
    const offline = (over: Partial<Rule> = {}) => rule({ mode: AccessMode.Offline, ...over });
    it.each<[string, Partial<RegisterApplicationRequest>, string[]]>([
      ['duplicate rule names', { rules: [rule(), rule()] }, ['rules.1.name']],
      ['a data type that is not a FHIR R4 resource type', { rules: [rule(), rule({ name: 'b', dataTypes: ['Observation', 'Pills'] })] }, ['rules.1.dataTypes.1']],
      ['empty permissions', { rules: [rule({ permissions: [] })] }, ['rules.0.permissions']],
      ['an unknown permission', { rules: [rule({ permissions: ['share' as Permission] })] }, ['rules.0.permissions']],
      ['a duplicate permission', { rules: [rule({ permissions: [Permission.Read, Permission.Read] })] }, ['rules.0.permissions.1']],
      ['an unknown mode', { rules: [rule({ mode: 'always' as AccessMode })] }, ['rules.0.mode']],
      ['a non-boolean required', { rules: [rule({ required: 'true' as never })] }, ['rules.0.required']],
      ['an empty reason', { rules: [rule({ reason: '' })] }, ['rules.0.reason']],
      ['an online rule in a device app', { kind: 'device', redirectUris: [], rules: [offline(), rule({ name: 'b' })] }, ['rules.1.mode']],
      ['a web app without redirect URIs', { redirectUris: [] }, ['redirectUris']],
      ['a relative redirect URI', { redirectUris: ['/callback'] }, ['redirectUris.0']],
      ['an http redirect URI off localhost', { redirectUris: ['https://ok.example/cb', 'http://pharmacy.example/cb'] }, ['redirectUris.1']],
      ['a redirect URI with a fragment', { redirectUris: ['https://pharmacy.example/cb#frag'] }, ['redirectUris.0']],
      ['a webhook URL with credentials', { webhookUrl: 'https://user:pass@pharmacy.example/hooks' }, ['webhookUrl']],
      ['a non-http webhook URL', { webhookUrl: 'mailto:ops@pharmacy.example' }, ['webhookUrl']],
      ['an unknown kind', { kind: 'desktop' as never }, ['kind']],
      ['no rules at all', { rules: [] }, ['rules']],
    ])('%s', async (_what, over, fields) => {
      const err = await rpcError(register(webApp(over)));
      expect(err.code).toBe(ErrorCode.VALIDATION_FAILED);
      expect(fieldsOf(err)).toEqual(fields);
    });

    it('checks a replaced rule set the same way (device app: offline only)', async () => {
      const device = await register(webApp({ kind: 'device', redirectUris: [], webhookUrl: undefined, rules: [offline()] }));
      const err = await rpcError(h.rpc.request(IdentityCmd.ReplaceRules, { appId: device.appId, rules: [offline(), offline({ name: 'read-meds', dataTypes: ['Nope'] })] }));
      expect(fieldsOf(err)).toEqual(['rules.1.name', 'rules.1.dataTypes.0']);
      expect((await h.rpc.request(IdentityCmd.GetApplication, { appId: device.appId })).ruleSetVersion).toBe(1);
    });

    it.each([
      ['a string body', 'hello'],
      ['a null body', null],
      ['a number body', 42],
      ['rules of the wrong type', { ...webApp(), rules: 'all' }],
      ['a rule that is null', { ...webApp(), rules: [null] }],
    ])('answers %s with VALIDATION_FAILED, never INTERNAL', async (_what, body) => {
      const err = await rpcError(h.rpc.requestUntyped(IdentityCmd.RegisterApplication, body));
      expect(err.code).toBe(ErrorCode.VALIDATION_FAILED);
    });
  });
});
