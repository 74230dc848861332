import { Argon2PasswordHasher, OWASP_ARGON2ID } from './argon2-password-hasher';

describe('Argon2PasswordHasher', () => {
  const current = new Argon2PasswordHasher();
  const weak = new Argon2PasswordHasher({ memoryCost: 1024, timeCost: 1, parallelism: 1 });

  it('stores argon2id with the OWASP parameters (m=19456 KiB, t=2, p=1) and a random salt', async () => {
    const first = await current.hash('correct horse battery staple');
    const second = await current.hash('correct horse battery staple');
    expect(first).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/);
    expect(second).not.toBe(first);
    expect(OWASP_ARGON2ID).toEqual({ memoryCost: 19_456, timeCost: 2, parallelism: 1 });
  });

  it('verifies the right password only, and reads hashes made with other parameters', async () => {
    const stored = await current.hash('correct horse battery staple');
    await expect(current.verify(stored, 'correct horse battery staple')).resolves.toBe(true);
    await expect(current.verify(stored, 'correct horse battery stapler')).resolves.toBe(false);
    const old = await weak.hash('tr0ub4dor&3');
    await expect(current.verify(old, 'tr0ub4dor&3')).resolves.toBe(true);
  });

  it('answers false, not an error, for a hash it cannot read', async () => {
    await expect(current.verify('', 'x')).resolves.toBe(false);
    await expect(current.verify('$2b$10$abcdefghijklmnopqrstuv', 'x')).resolves.toBe(false);
    await expect(current.verify('$argon2id$v=19$m=19456,t=2,p=1$AAAA$BBBB', 'x')).resolves.toBe(false);
  });

  it('asks for a rehash when the stored parameters are weaker than the current ones, never when stronger', async () => {
    expect(current.needsRehash(await weak.hash('tr0ub4dor&3'))).toBe(true);
    expect(current.needsRehash(await current.hash('tr0ub4dor&3'))).toBe(false);
    const stronger = new Argon2PasswordHasher({ memoryCost: 19_456, timeCost: 3, parallelism: 1 });
    expect(current.needsRehash(await stronger.hash('tr0ub4dor&3'))).toBe(false);
    expect(stronger.needsRehash(await current.hash('tr0ub4dor&3'))).toBe(true);
    expect(current.needsRehash('$argon2i$v=19$m=65536,t=3,p=4$c2FsdHNhbHQ$aGFzaGhhc2g')).toBe(true);
    expect(current.needsRehash('$argon2id$v=16$m=65536,t=3,p=4$c2FsdHNhbHQ$aGFzaGhhc2g')).toBe(true);
    expect(current.needsRehash('not a hash')).toBe(true);
  });
});
