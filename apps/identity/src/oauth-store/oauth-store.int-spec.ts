import { ErrorCode, IdentityCmd } from '@carevault/contracts';
import { randomUUID } from 'node:crypto';
import { type IdentityHarness, rpcError, startIdentity } from '../../test/identity-harness';

describe('identity: OAuth store (real PostgreSQL, private NATS)', () => {
  let h: IdentityHarness;
  const id = () => randomUUID().replace(/-/g, '');

  beforeAll(async () => {
    h = await startIdentity({ REFRESH_REUSE_GRACE_SECONDS: '30' });
  });
  afterAll(async () => {
    await h?.stop();
  });

  it('stores a payload and finds it by id, uid and user code, indexing grant, uid and user code', async () => {
    const [code, uid, grantId] = [id(), id(), id()];
    await h.rpc.request(IdentityCmd.OAuthUpsert, { model: 'DeviceCode', id: code, payload: { grantId, uid, userCode: 'ABCD-EFGH', nested: { a: [1, 2] } }, expiresIn: 600 });
    const expected = { payload: { grantId, uid, userCode: 'ABCD-EFGH', nested: { a: [1, 2] } } };
    expect(await h.rpc.request(IdentityCmd.OAuthFind, { model: 'DeviceCode', id: code })).toEqual(expected);
    expect(await h.rpc.request(IdentityCmd.OAuthFindByUid, { model: 'DeviceCode', uid })).toEqual(expected);
    expect(await h.rpc.request(IdentityCmd.OAuthFindByUserCode, { model: 'DeviceCode', userCode: 'ABCD-EFGH' })).toEqual(expected);
    expect(await h.rpc.request(IdentityCmd.OAuthFind, { model: 'AuthorizationCode', id: code })).toEqual({ payload: null });
    const [row] = await h.sql<{ grant_id: string; seconds: number }>(
      `SELECT grant_id, extract(epoch FROM expires_at - now())::int AS seconds FROM identity.oauth_objects WHERE model = 'DeviceCode' AND id = $1`,
      [code],
    );
    expect(row).toMatchObject({ grant_id: grantId });
    expect(row!.seconds).toBeGreaterThan(590);
  });

  it('does not find an expired object', async () => {
    const code = id();
    await h.rpc.request(IdentityCmd.OAuthUpsert, { model: 'AuthorizationCode', id: code, payload: {}, expiresIn: 60 });
    await h.sql(`UPDATE identity.oauth_objects SET expires_at = now() - interval '1 second' WHERE id = $1`, [code]);
    expect(await h.rpc.request(IdentityCmd.OAuthFind, { model: 'AuthorizationCode', id: code })).toEqual({ payload: null });
  });

  it('consume is atomic: of 10 racing consumes exactly one wins, and find shows `consumed`', async () => {
    const token = id();
    await h.rpc.request(IdentityCmd.OAuthUpsert, { model: 'DeviceCode', id: token, payload: { grantId: id() }, expiresIn: 3600 });
    const results = await Promise.all(Array.from({ length: 10 }, () => h.rpc.request(IdentityCmd.OAuthConsume, { model: 'DeviceCode', id: token })));
    expect(results.filter((r) => r.consumed)).toHaveLength(1);
    const found = await h.rpc.request(IdentityCmd.OAuthFind, { model: 'DeviceCode', id: token });
    expect(found.payload?.consumed).toEqual(expect.any(Number));
  });

  it('a refresh token consumed within REFRESH_REUSE_GRACE_SECONDS is not found (a concurrent duplicate); after it, it is found consumed (reuse)', async () => {
    const token = id();
    await h.rpc.request(IdentityCmd.OAuthUpsert, { model: 'RefreshToken', id: token, payload: { grantId: id() }, expiresIn: 3600 });
    expect((await h.rpc.request(IdentityCmd.OAuthFind, { model: 'RefreshToken', id: token })).payload).not.toBeNull();
    expect(await h.rpc.request(IdentityCmd.OAuthConsume, { model: 'RefreshToken', id: token })).toEqual({ consumed: true });
    expect(await h.rpc.request(IdentityCmd.OAuthFind, { model: 'RefreshToken', id: token })).toEqual({ payload: null });
    await h.sql(`UPDATE identity.oauth_objects SET consumed_at = now() - interval '31 seconds' WHERE id = $1`, [token]);
    const found = await h.rpc.request(IdentityCmd.OAuthFind, { model: 'RefreshToken', id: token });
    expect(found.payload?.consumed).toEqual(expect.any(Number));
    await h.rpc.request(IdentityCmd.OAuthUpsert, { model: 'RefreshToken', id: token, payload: { grantId: 'x' }, expiresIn: 3600 });
    expect((await h.rpc.request(IdentityCmd.OAuthFind, { model: 'RefreshToken', id: token })).payload?.consumed).toEqual(expect.any(Number));
  });

  it('revokes by grant id per model; with denylist the ids become revoked jtis', async () => {
    const grantId = id();
    const [rt, jti1, jti2] = [id(), id(), id()];
    await h.rpc.request(IdentityCmd.OAuthUpsert, { model: 'RefreshToken', id: rt, payload: { grantId }, expiresIn: 3600 });
    for (const jti of [jti1, jti2]) await h.rpc.request(IdentityCmd.OAuthUpsert, { model: 'JwtAccessToken', id: jti, payload: { grantId }, expiresIn: 900 });
    expect(await h.rpc.request(IdentityCmd.OAuthRevokeByGrantId, { model: 'RefreshToken', grantId })).toEqual({ revoked: 1 });
    expect(await h.rpc.request(IdentityCmd.OAuthFind, { model: 'RefreshToken', id: rt })).toEqual({ payload: null });
    expect(await h.rpc.request(IdentityCmd.OAuthJtiStatus, { jti: jti1 })).toEqual({ revoked: false });
    expect(await h.rpc.request(IdentityCmd.OAuthRevokeByGrantId, { model: 'JwtAccessToken', grantId, denylist: true })).toEqual({ revoked: 2 });
    expect(await h.rpc.request(IdentityCmd.OAuthJtiStatus, { jti: jti1 })).toEqual({ revoked: true });
    expect(await h.rpc.request(IdentityCmd.OAuthJtiStatus, { jti: jti2 })).toEqual({ revoked: true });
  });

  it('denylists a revoked JWT until its exp; destroy deletes', async () => {
    const jti = id();
    const exp = Math.floor(Date.now() / 1000) + 600;
    expect(await h.rpc.request(IdentityCmd.OAuthRevokeJti, { jti, clientId: 'cv_x', exp })).toEqual({ revoked: true });
    expect(await h.rpc.request(IdentityCmd.OAuthRevokeJti, { jti, clientId: 'cv_x', exp })).toEqual({ revoked: false });
    expect(await h.rpc.request(IdentityCmd.OAuthJtiStatus, { jti })).toEqual({ revoked: true });
    const sid = id();
    await h.rpc.request(IdentityCmd.OAuthUpsert, { model: 'Session', id: sid, payload: { uid: id() } });
    expect(await h.rpc.request(IdentityCmd.OAuthDestroy, { model: 'Session', id: sid })).toEqual({ destroyed: true });
    expect(await h.rpc.request(IdentityCmd.OAuthFind, { model: 'Session', id: sid })).toEqual({ payload: null });
  });

  it('audits token issuance and revocation with the grant binding’s person and record, never the token', async () => {
    const [oidcGrant, jti] = [id(), id()];
    const binding = { appId: randomUUID(), consentGrantId: randomUUID(), personId: randomUUID(), recordId: randomUUID(), sessionId: randomUUID(), mode: 'online', instanceId: null };
    await h.rpc.request(IdentityCmd.OAuthUpsert, { model: 'CvGrantBinding', id: oidcGrant, payload: { ...binding, grantId: oidcGrant }, expiresIn: 600 });
    await h.rpc.request(IdentityCmd.OAuthUpsert, { model: 'JwtAccessToken', id: jti, payload: { grantId: oidcGrant, clientId: 'cv_x' }, expiresIn: 600 }, { correlationId: 'tok-1' });
    await h.rpc.request(IdentityCmd.OAuthRevokeJti, { jti, clientId: 'cv_x', exp: Math.floor(Date.now() / 1000) + 600 });
    await h.rpc.request(IdentityCmd.OAuthRevokeByGrantId, { model: 'JwtAccessToken', grantId: oidcGrant, denylist: true });
    const rows = await h.sql<{ data: Record<string, unknown> }>(
      `SELECT envelope->'data' AS data FROM identity.outbox WHERE subject = 'audit.evt.recorded.v1' AND envelope->'data'->>'personId' = $1 ORDER BY seq`,
      [binding.personId],
    );
    const subject = { appId: binding.appId, personId: binding.personId, recordId: binding.recordId };
    const details = { grantId: binding.consentGrantId, mode: 'online' };
    expect(rows.map((r) => r.data)).toEqual([
      expect.objectContaining({ action: 'token-issued', category: 'token', outcome: 'success', ...subject, correlationId: 'tok-1', details: { ...details, jti, clientId: 'cv_x' } }),
      expect.objectContaining({ action: 'token-revoked', ...subject, details: { ...details, jti, clientId: 'cv_x', reason: 'revoked-by-client' } }),
      expect.objectContaining({ action: 'token-revoked', ...subject, details: { ...details, count: '1', reason: 'oauth-grant-revoked' } }),
    ]);
  });

  it('refuses a model name that is not one and a payload that is not an object', async () => {
    const bad = await rpcError(h.rpc.request(IdentityCmd.OAuthUpsert, { model: 'a b', id: 'x', payload: 'nope' as never }));
    expect(bad.code).toBe(ErrorCode.VALIDATION_FAILED);
  });
});
