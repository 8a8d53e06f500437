import { randomBytes, randomUUID } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { signedHeaders } from './signer';

const newSecret = () => `whsec_${randomBytes(32).toString('base64')}`;

describe(signedHeaders.name, () => {
  const body = JSON.stringify({ id: randomUUID(), type: 'grant.created', occurredAt: new Date().toISOString(), data: { appId: randomUUID() } });

  it('produces Standard Webhooks headers that verify with the application secret', () => {
    const secret = newSecret();
    const eventId = randomUUID();
    const sut = signedHeaders(secret, eventId, body);
    expect(sut['webhook-id']).toBe(eventId);
    expect(sut['content-type']).toBe('application/json');
    expect(Number(sut['webhook-timestamp'])).toBeCloseTo(Date.now() / 1000, -1);
    expect(sut['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]+=*$/);
    expect(new Webhook(secret).verify(body, sut)).toEqual(JSON.parse(body));
  });

  it('does not verify with another secret, another body or another id', () => {
    const secret = newSecret();
    const sut = signedHeaders(secret, randomUUID(), body);
    expect(() => new Webhook(newSecret()).verify(body, sut)).toThrow(/signature/i);
    expect(() => new Webhook(secret).verify(body.replace('created', 'revoked'), sut)).toThrow(/signature/i);
    expect(() => new Webhook(secret).verify(body, { ...sut, 'webhook-id': randomUUID() })).toThrow(/signature/i);
  });

  it('signs the attempt time: an old attempt is refused by the partner tolerance (5 min)', () => {
    const secret = newSecret();
    const sut = signedHeaders(secret, randomUUID(), body, new Date(Date.now() - 10 * 60_000));
    expect(() => new Webhook(secret).verify(body, sut)).toThrow(/too old/);
  });

  it('never puts the secret in a header', () => {
    const secret = newSecret();
    const sut = signedHeaders(secret, randomUUID(), body);
    expect(JSON.stringify(sut)).not.toContain(secret.slice(6));
  });
});
