import { FakePasswordHasher, InMemoryIdentity, SettableClock } from '../../../test/identity-fakes';
import { SetPasswordUseCase } from './set-password.use-case';

const now = new Date('2026-11-28T10:00:00Z');

function setup(status: 'ACTIVE' | 'LOCKED' | 'DISABLED' = 'ACTIVE') {
  const store = new InMemoryIdentity();
  store.addUser({
    id: 'u-1',
    tenantId: 't-1',
    externalId: 'customer-00042',
    email: 'jane.doe@example.com',
    phoneNumber: undefined,
    status,
    createdAt: now,
  });
  const useCase = new SetPasswordUseCase(store.uow, new FakePasswordHasher(), new SettableClock(now));
  return { store, useCase };
}

describe('SetPasswordUseCase', () => {
  it('stores the hash of the NFKC form and records identity.password.set without the password or hash', async () => {
    const { store, useCase } = setup();
    await useCase.execute({ tenantId: 't-1', userId: 'u-1', password: 'cafe\u0301 au lait 1234' });
    expect(store.hashes.get('u-1')).toBe('v2:caf\u00e9 au lait 1234');
    expect(store.events).toEqual([
      {
        type: 'identity.password.set',
        tenantId: 't-1',
        userId: 'u-1',
        occurredAt: now,
        payload: {
          tenantId: 't-1',
          userId: 'u-1',
          setTime: { seconds: String(now.getTime() / 1000), nanos: 0 },
        },
      },
    ]);
    expect(JSON.stringify(store.events)).not.toMatch(/lait|v2:/);
  });

  it('replaces an existing password (a locked user may get a new one)', async () => {
    const { store, useCase } = setup('LOCKED');
    await useCase.execute({ tenantId: 't-1', userId: 'u-1', password: 'first passphrase' });
    await useCase.execute({ tenantId: 't-1', userId: 'u-1', password: 'second passphrase' });
    expect(store.hashes.get('u-1')).toBe('v2:second passphrase');
    expect(store.events.map((e) => e.type)).toEqual(['identity.password.set', 'identity.password.set']);
  });

  it.each([
    ['a too short password', 'short', 'VALIDATION_FAILED'],
    ['a too long password', 'long enough'.repeat(20), 'VALIDATION_FAILED'],
    ['a common password', 'Password123', 'PASSWORD_TOO_WEAK'],
    ["the user's external id", 'customer-00042', 'PASSWORD_TOO_WEAK'],
    ["the user's email", 'Jane.Doe@example.com', 'PASSWORD_TOO_WEAK'],
  ])('refuses %s as a password and stores nothing', async (_n, password, code) => {
    const { store, useCase } = setup();
    const error = await useCase
      .execute({ tenantId: 't-1', userId: 'u-1', password })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'INVALID_ARGUMENT', code });
    expect((error as Error).message).not.toContain(password);
    expect(store.hashes.size).toBe(0);
    expect(store.events).toEqual([]);
  });

  it('refuses an unknown user (USER_NOT_FOUND) and a disabled one (USER_DISABLED)', async () => {
    await expect(
      setup().useCase.execute({ tenantId: 't-1', userId: 'u-2', password: 'long passphrase' }),
    ).rejects.toMatchObject({ code: 'USER_NOT_FOUND' });
    const disabled = setup('DISABLED');
    await expect(
      disabled.useCase.execute({ tenantId: 't-1', userId: 'u-1', password: 'long passphrase' }),
    ).rejects.toMatchObject({ kind: 'FAILED_PRECONDITION', code: 'USER_DISABLED' });
    expect(disabled.store.hashes.size).toBe(0);
  });
});
