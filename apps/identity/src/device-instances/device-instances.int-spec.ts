import {
  AccessMode,
  ConsentEvt,
  DEVICE_INSTANCE_INVALIDATION_SUBJECT,
  type DeviceInstanceRevokedEvent,
  ErrorCode,
  IdentityCmd,
  IdentityEvt,
  Permission,
  TOKEN_REVOCATION_SUBJECT,
} from '@carevault/contracts';
import { connectNats } from '@carevault/platform';
import { jetstream } from '@nats-io/jetstream';
import { createHash, randomUUID } from 'node:crypto';
import { type IdentityHarness, rpcError, startIdentity } from '../../test/identity-harness';

// Device instances against real PostgreSQL and NATS: creation (custodians only), revocation with its
// token clean-up, event and cache invalidation, revocation of a whole consent grant from its event,
// and the device flow's guards (user-code entries, polling interval).

describe('identity: device instances (real PostgreSQL, private NATS)', () => {
  let h: IdentityHarness;
  let natsUrl: string;
  let sam: { personId: string; recordId: string };
  let appId: string;
  const rule = { name: 'Readings', reason: 'Uploads readings', dataTypes: ['Observation'], permissions: [Permission.Create], mode: AccessMode.Offline, required: true };
  const id = () => randomUUID().replace(/-/g, '');

  async function signUp(name: string) {
    const r = await h.rpc.request(IdentityCmd.SignUp, { email: `${name}-${id()}@example.org`, password: 'a long enough password', name });
    return { personId: r.person.id, recordId: r.recordId };
  }

  /** An instance with the oidc-provider objects its chain would have: one refresh token and one access-token marker. */
  async function instance(name: string, grantId = randomUUID()) {
    const oauthGrantId = id();
    const [refresh, jti] = [id(), id()];
    await h.rpc.request(IdentityCmd.OAuthUpsert, { model: 'RefreshToken', id: refresh, payload: { grantId: oauthGrantId }, expiresIn: 3600 });
    await h.rpc.request(IdentityCmd.OAuthUpsert, { model: 'JwtAccessToken', id: jti, payload: { grantId: oauthGrantId, clientId: 'cv_x' }, expiresIn: 600 });
    await h.rpc.request(IdentityCmd.OAuthUpsert, { model: 'Grant', id: oauthGrantId, payload: { accountId: sam.personId }, expiresIn: 3600 });
    const view = await h.rpc.request(IdentityCmd.CreateDeviceInstance, { appId, personId: sam.personId, recordId: sam.recordId, grantId, oauthGrantId, name });
    return { view, oauthGrantId, refresh, jti, grantId };
  }

  beforeAll(async () => {
    h = await startIdentity();
    natsUrl = h.natsUrl;
    sam = await signUp('Sam');
    const app = await h.rpc.request(IdentityCmd.RegisterApplication, { name: 'Cuff', kind: 'device', redirectUris: [], rules: [rule] });
    appId = app.appId;
  });

  afterAll(async () => {
    await h?.stop();
  });

  it('creates an instance on a record the person holds, and refuses one on a record they do not', async () => {
    const { view } = await instance("  Sam's iPhone ");
    expect(view).toMatchObject({ appId, personId: sam.personId, recordId: sam.recordId, name: "Sam's iPhone", lastUsedAt: null, revokedAt: null });
    const stranger = await signUp('Eve');
    const refused = await rpcError(h.rpc.request(IdentityCmd.CreateDeviceInstance, { appId, personId: stranger.personId, recordId: sam.recordId, grantId: randomUUID(), oauthGrantId: id(), name: 'x' }));
    expect(refused.code).toBe(ErrorCode.NOT_FOUND);
    const invalid = await rpcError(h.rpc.request(IdentityCmd.CreateDeviceInstance, { appId, personId: sam.personId, recordId: sam.recordId, grantId: randomUUID(), oauthGrantId: id(), name: 'x'.repeat(101) }));
    expect(invalid.code).toBe(ErrorCode.VALIDATION_FAILED);
  });

  it('status: active until revoked; touch records the use at most once a minute', async () => {
    const { view } = await instance('Kitchen tablet');
    expect(await h.rpc.request(IdentityCmd.DeviceInstanceStatus, { instanceId: view.id })).toEqual({ active: true });
    const lastUsed = async () => (await h.sql<{ t: Date | null }>(`SELECT last_used_at AS t FROM identity.device_instances WHERE id = $1`, [view.id]))[0]!.t;
    expect(await lastUsed()).toBeNull();
    await h.rpc.request(IdentityCmd.DeviceInstanceStatus, { instanceId: view.id, touch: true });
    const first = await lastUsed();
    expect(first).toBeInstanceOf(Date);
    await h.rpc.request(IdentityCmd.DeviceInstanceStatus, { instanceId: view.id, touch: true });
    expect(await lastUsed()).toEqual(first);
    expect(await h.rpc.request(IdentityCmd.DeviceInstanceStatus, { instanceId: randomUUID() })).toEqual({ active: false });
  });

  it('revoke: custodians only; ends the chain, publishes the event and the invalidation before answering; idempotent', async () => {
    const { view, refresh, jti, oauthGrantId, grantId } = await instance('Hall cuff');
    const other = await instance('Other cuff', grantId);
    const stranger = await signUp('Mallory');
    expect((await rpcError(h.rpc.request(IdentityCmd.RevokeDeviceInstance, { personId: stranger.personId, instanceId: view.id }))).code).toBe(ErrorCode.NOT_FOUND);

    const nc = await connectNats(natsUrl, 'device-int-spec');
    const invalidated: string[] = [];
    const jtis: string[] = [];
    nc.subscribe(DEVICE_INSTANCE_INVALIDATION_SUBJECT, { callback: (_e, m) => void invalidated.push(m.json<{ instanceId: string }>().instanceId) });
    nc.subscribe(TOKEN_REVOCATION_SUBJECT, { callback: (_e, m) => void jtis.push(m.json<{ jti: string }>().jti) });
    await nc.flush();
    try {
      const answer = await h.rpc.request(IdentityCmd.RevokeDeviceInstance, { personId: sam.personId, instanceId: view.id });
      expect(answer).toMatchObject({ revoked: true, instance: { id: view.id, revokedAt: expect.any(String) } });
      await nc.flush();
      expect(invalidated).toContain(view.id);
      expect(jtis).toContain(jti);
    } finally {
      await nc.close();
    }
    expect(await h.rpc.request(IdentityCmd.OAuthFind, { model: 'RefreshToken', id: refresh })).toEqual({ payload: null });
    expect(await h.rpc.request(IdentityCmd.OAuthFind, { model: 'Grant', id: oauthGrantId })).toEqual({ payload: null });
    expect(await h.rpc.request(IdentityCmd.OAuthJtiStatus, { jti })).toEqual({ revoked: true });
    expect(await h.rpc.request(IdentityCmd.DeviceInstanceStatus, { instanceId: view.id })).toEqual({ active: false });
    expect(await h.rpc.request(IdentityCmd.DeviceInstanceStatus, { instanceId: other.view.id })).toEqual({ active: true });
    const event = await h.lastEvent<DeviceInstanceRevokedEvent>(IdentityEvt.DeviceInstanceRevoked, (e) => e.data.instanceId === view.id);
    expect(event).toMatchObject({ type: 'device-instance.revoked', data: { appId, instanceId: view.id, recordId: sam.recordId, personId: sam.personId, grantId, reason: 'person' } });
    expect(await h.rpc.request(IdentityCmd.RevokeDeviceInstance, { personId: sam.personId, instanceId: view.id })).toMatchObject({ revoked: false });

    const listed = await h.rpc.request(IdentityCmd.ListDeviceInstances, { personId: sam.personId, recordIds: [sam.recordId] });
    expect(listed.items.map((i) => i.id)).toContain(other.view.id);
    expect(listed.items.map((i) => i.id)).not.toContain(view.id);
    expect((await h.rpc.request(IdentityCmd.ListDeviceInstances, { personId: stranger.personId })).items).toEqual([]);
  });

  it('a revoked consent grant (its event) revokes every instance of that grant, once', async () => {
    const grantId = randomUUID();
    const [a, b] = [await instance('A', grantId), await instance('B', grantId)];
    const nc = await connectNats(natsUrl, 'device-int-spec-js');
    try {
      const envelope = { eventId: randomUUID(), type: 'grant.revoked', occurredAt: new Date().toISOString(), correlationId: null, version: 1, data: { grantId, appId, recordId: sam.recordId } };
      const js = jetstream(nc);
      await js.publish(ConsentEvt.GrantRevoked, JSON.stringify(envelope), { msgID: envelope.eventId });
      await js.publish(ConsentEvt.GrantRevoked, JSON.stringify(envelope)); // a redelivery-like duplicate
    } finally {
      await nc.close();
    }
    const until = Date.now() + 10_000;
    while ((await h.rpc.request(IdentityCmd.DeviceInstanceStatus, { instanceId: b.view.id })).active && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
    expect(await h.rpc.request(IdentityCmd.DeviceInstanceStatus, { instanceId: a.view.id })).toEqual({ active: false });
    expect(await h.rpc.request(IdentityCmd.DeviceInstanceStatus, { instanceId: b.view.id })).toEqual({ active: false });
    expect(await h.rpc.request(IdentityCmd.OAuthFind, { model: 'RefreshToken', id: a.refresh })).toEqual({ payload: null });
    await new Promise((r) => setTimeout(r, 500));
    const events = await h.sql<{ n: number }>(
      `SELECT count(*)::int AS n FROM identity.outbox WHERE subject = $1 AND envelope->'data'->>'grantId' = $2`,
      [IdentityEvt.DeviceInstanceRevoked, grantId],
    );
    expect(events[0]!.n).toBe(2);
  });

  it('user-code entries: of 30 racing entries exactly 10 get through; a found code is given back', async () => {
    const person = randomUUID();
    const address = `198.51.100.${Math.floor(Math.random() * 200)}`;
    const answers = await Promise.all(Array.from({ length: 30 }, () => h.rpc.request(IdentityCmd.DeviceCodeAttempt, { personId: person, clientAddress: address })));
    expect(answers.filter((a) => a.allowed)).toHaveLength(10);
    expect((await h.rpc.request(IdentityCmd.DeviceCodeAttempt, { personId: randomUUID(), clientAddress: address })).allowed).toBe(false);
    expect((await h.rpc.request(IdentityCmd.DeviceCodeAttempt, { personId: person, clientAddress: '203.0.113.9' })).allowed).toBe(false);
    const released = await h.rpc.request(IdentityCmd.ReleaseDeviceCodeAttempt, { attemptId: answers.find((a) => a.allowed)!.attemptId! });
    expect(released).toEqual({ released: true });
    expect((await h.rpc.request(IdentityCmd.DeviceCodeAttempt, { personId: person, clientAddress: address })).allowed).toBe(true);
  });

  it('polling: the first poll is fine, one too soon is slow_down and adds 5 s to the interval', async () => {
    const codeHash = createHash('sha256').update(id()).digest('hex');
    expect(await h.rpc.request(IdentityCmd.DeviceCodePoll, { codeHash, intervalSeconds: 5 })).toEqual({ slowDown: false, intervalSeconds: 5 });
    expect(await h.rpc.request(IdentityCmd.DeviceCodePoll, { codeHash, intervalSeconds: 5 })).toEqual({ slowDown: true, intervalSeconds: 10 });
    await h.sql(`UPDATE identity.device_code_polls SET last_polled_at = now() - interval '11 seconds' WHERE code_hash = $1`, [Buffer.from(codeHash, 'hex')]);
    expect(await h.rpc.request(IdentityCmd.DeviceCodePoll, { codeHash, intervalSeconds: 5 })).toEqual({ slowDown: false, intervalSeconds: 10 });
  });
});
