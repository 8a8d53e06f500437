import { decodePickup, encodePickup } from './connect-cookie';

describe('the cv_connect cookie value', () => {
  const pickup = { appId: '7d1f1e0a-8a5b-4c1e-9d7e-0b8f6c5a4e31', ticket: 'Abc_def-0123456789xyz' };

  it('round-trips the application id and the ticket', () => {
    expect(decodePickup(encodePickup(pickup))).toEqual(pickup);
  });

  it.each([
    ['nothing', undefined],
    ['an empty value', ''],
    ['no application id', pickup.ticket],
    ['a ticket with other characters', `${pickup.appId}.abc def;0123456789xyz`],
    ['a short ticket', `${pickup.appId}.abc`],
    ['a long ticket', `${pickup.appId}.${'a'.repeat(101)}`],
  ])('reads %s as no pickup', (_label, value) => {
    expect(decodePickup(value)).toBeNull();
  });
});
