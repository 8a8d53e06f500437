import { PasswordHasher } from './password-hasher';

describe(PasswordHasher.name, () => {
  const sut = new PasswordHasher();

  it('hashes with Argon2id and verifies only the right password', async () => {
    const hash = await sut.hash('correct horse battery');
    expect(hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(await sut.verify(hash, 'correct horse battery')).toBe(true);
    expect(await sut.verify(hash, 'correct horse batterx')).toBe(false);
  });

  it('treats a malformed stored hash as a mismatch, not an error', async () => {
    expect(await sut.verify('not-a-hash', 'whatever')).toBe(false);
  });
});
