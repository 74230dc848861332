import {
  FakeLoginHasher,
  FakePasswordHasher,
  InMemoryIdentity,
  InMemoryPasswordThrottle,
  SettableClock,
} from '../../../test/identity-fakes';
import type { User, UserLogin } from '../../domain/user';
import { type VerifyPasswordInput, VerifyPasswordUseCase } from './verify-password.use-case';

const T = 'tenant-1';
const HOME = '192.0.2.10';
const ATTACKER = '198.51.100.66';
const PASSWORD = 'correct horse battery staple';

function setup(options: { hasherVersion?: number; storedVersion?: number } = {}) {
  const store = new InMemoryIdentity();
  const clock = new SettableClock(new Date('2026-11-28T10:00:00Z'));
  const hasher = new FakePasswordHasher(options.hasherVersion ?? 2);
  const throttle = new InMemoryPasswordThrottle(10, 900);
  const useCase = new VerifyPasswordUseCase(store.uow, throttle, hasher, new FakeLoginHasher(), clock);
  const jane = store.addUser(
    {
      id: 'u-jane',
      tenantId: T,
      externalId: 'jane-42',
      email: 'jane@example.com',
      phoneNumber: undefined,
      status: 'ACTIVE',
      createdAt: clock.now(),
    },
    `v${options.storedVersion ?? 2}:${PASSWORD}`,
  );
  const noPassword = store.addUser({ ...jane, id: 'u-nopw', externalId: 'bob-7', email: 'bob@example.com' });
  const verify = (login: UserLogin, password: string, clientIp: string | undefined = HOME) =>
    useCase.execute({ tenantId: T, login, password, clientIp } satisfies VerifyPasswordInput);
  return { store, clock, hasher, throttle, useCase, jane, noPassword, verify };
}

describe('VerifyPasswordUseCase', () => {
  it.each<[string, UserLogin]>([
    ['user id', { userId: 'u-jane' }],
    ['external id', { externalId: 'jane-42' }],
    ['email, in any case', { email: 'JANE@example.com' }],
  ])('answers VALID with the user for the right password by %s', async (_n, login) => {
    const { verify, jane } = setup();
    await expect(verify(login, PASSWORD)).resolves.toEqual({ result: 'VALID', user: jane });
  });

  it('answers INVALID, with no user, for a wrong password', async () => {
    const { verify } = setup();
    await expect(verify({ userId: 'u-jane' }, 'correct horse battery stapler')).resolves.toEqual({
      result: 'INVALID',
    });
  });

  it('answers an unknown login and a user without a password exactly like a wrong password, after one dummy argon2 check (SECURITY.md 26)', async () => {
    const { verify, hasher } = setup();
    const wrong = await verify({ email: 'jane@example.com' }, 'guess-1234');
    expect(hasher.verified).toHaveLength(1);
    for (const login of [{ email: 'nobody@example.com' }, { externalId: 'bob-7' }, { userId: 'u-ghost' }]) {
      hasher.verified.length = 0;
      expect(await verify(login, 'guess-1234')).toEqual(wrong);
      expect(hasher.verified).toHaveLength(1);
      expect(hasher.verified[0].hash).not.toBe(`v2:${PASSWORD}`);
      expect(hasher.verified[0].password).toBe('guess-1234');
    }
  });

  it('throttles the 11th failure from a network within 15 minutes without checking the password, until the oldest failure leaves the window', async () => {
    const { verify, clock, hasher } = setup();
    for (let i = 0; i < 10; i += 1) {
      expect((await verify({ userId: 'u-jane' }, `guess-${i}`, ATTACKER)).result).toBe('INVALID');
      clock.advance(30);
    }
    hasher.verified.length = 0;
    // Even the right password is not checked now: no oracle for the attacker.
    expect(await verify({ userId: 'u-jane' }, PASSWORD, ATTACKER)).toEqual({
      result: 'THROTTLED',
      retryAfterSeconds: 600,
    });
    expect(hasher.verified).toHaveLength(0);
    clock.advance(600);
    expect((await verify({ userId: 'u-jane' }, 'guess-10', ATTACKER)).result).toBe('INVALID');
    expect((await verify({ userId: 'u-jane' }, 'guess-11', ATTACKER)).result).toBe('THROTTLED');
  });

  it("does not let another network's failures lock the owner out (SECURITY.md 20)", async () => {
    const { verify } = setup();
    for (let i = 0; i < 12; i += 1) await verify({ email: 'jane@example.com' }, `guess-${i}`, ATTACKER);
    expect((await verify({ email: 'jane@example.com' }, PASSWORD, ATTACKER)).result).toBe('THROTTLED');
    expect((await verify({ email: 'jane@example.com' }, PASSWORD, '192.0.2.200')).result).toBe('VALID');
    expect((await verify({ email: 'jane@example.com' }, PASSWORD, undefined)).result).toBe('VALID');
  });

  it('counts every alias of a user on one counter (SECURITY.md 18)', async () => {
    const { verify } = setup();
    const aliases: UserLogin[] = [
      { userId: 'u-jane' },
      { externalId: 'jane-42' },
      { email: 'jane@example.com' },
    ];
    for (let i = 0; i < 10; i += 1) await verify(aliases[i % 3], `guess-${i}`);
    for (const login of aliases) expect((await verify(login, PASSWORD)).result).toBe('THROTTLED');
  });

  it('clears the network’s failures on a success', async () => {
    const { verify } = setup();
    for (let i = 0; i < 9; i += 1) await verify({ userId: 'u-jane' }, `guess-${i}`);
    expect((await verify({ userId: 'u-jane' }, PASSWORD)).result).toBe('VALID');
    for (let i = 0; i < 10; i += 1) {
      expect((await verify({ userId: 'u-jane' }, `again-${i}`)).result).toBe('INVALID');
    }
    expect((await verify({ userId: 'u-jane' }, 'again-10')).result).toBe('THROTTLED');
  });

  it('throttles unknown logins the same way, counted under a keyed hash rather than the login', async () => {
    const { verify, throttle } = setup();
    const results = [];
    for (let i = 0; i < 11; i += 1)
      results.push((await verify({ email: 'ghost@example.com' }, `guess-${i}`)).result);
    expect(results).toEqual([...Array<string>(10).fill('INVALID'), 'THROTTLED']);
    const keys = [...throttle.failures.keys()];
    expect(keys).toHaveLength(1);
    expect(keys[0]).toMatch(/^tenant-1\|login:[0-9a-f]+\|192\.0\.2\.0\/24$/);
    expect(keys[0]).not.toContain('ghost');
  });

  it.each<[User['status'], string]>([
    ['LOCKED', 'ACCOUNT_LOCKED'],
    ['DISABLED', 'ACCOUNT_DISABLED'],
  ])(
    'tells a %s user’s status, with the user, only to whoever knows the password',
    async (status, result) => {
      const { verify, store, jane } = setup();
      store.users.set(jane.id, { ...store.users.get(jane.id)!, status });
      expect(await verify({ userId: 'u-jane' }, PASSWORD)).toEqual({ result, user: { ...jane, status } });
      expect(await verify({ userId: 'u-jane' }, 'guess-1234')).toEqual({ result: 'INVALID' });
    },
  );

  it('rehashes a hash made with weaker parameters after a successful check, and only then', async () => {
    const { verify, store } = setup({ hasherVersion: 3, storedVersion: 2 });
    await verify({ userId: 'u-jane' }, 'guess-1234');
    expect(store.hashes.get('u-jane')).toBe(`v2:${PASSWORD}`);
    expect((await verify({ userId: 'u-jane' }, PASSWORD)).result).toBe('VALID');
    expect(store.hashes.get('u-jane')).toBe(`v3:${PASSWORD}`);
    expect((await verify({ userId: 'u-jane' }, PASSWORD)).result).toBe('VALID');
    expect(store.events).toEqual([]);
  });

  it('leaves a current hash alone', async () => {
    const { verify, store } = setup();
    await verify({ userId: 'u-jane' }, PASSWORD);
    expect(store.hashes.get('u-jane')).toBe(`v2:${PASSWORD}`);
  });

  it('compares NFKC forms, as SetPassword stores them', async () => {
    const { verify, store } = setup();
    store.hashes.set('u-jane', 'v2:caf\u00e9 au lait 1234');
    expect((await verify({ userId: 'u-jane' }, 'cafe\u0301 au lait 1234')).result).toBe('VALID');
  });
});
