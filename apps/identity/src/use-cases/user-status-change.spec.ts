import { InMemoryIdentity, SettableClock } from '../../test/identity-fakes';
import { DisableUserUseCase } from './disable-user/disable-user.use-case';
import { LockUserUseCase } from './lock-user/lock-user.use-case';
import { UnlockUserUseCase } from './unlock-user/unlock-user.use-case';

const now = new Date('2026-11-28T10:00:00Z');
const input = { tenantId: 't-1', userId: 'u-1', reason: 'suspected takeover', actor: 'admin:alice' };

function setup() {
  const store = new InMemoryIdentity();
  const user = store.addUser({
    id: 'u-1',
    tenantId: 't-1',
    externalId: 'c-1',
    email: undefined,
    phoneNumber: undefined,
    status: 'ACTIVE',
    createdAt: now,
  });
  const clock = new SettableClock(now);
  return {
    store,
    user,
    lock: new LockUserUseCase(store.uow, clock),
    unlock: new UnlockUserUseCase(store.uow, clock),
    disable: new DisableUserUseCase(store.uow, clock),
  };
}

describe('LockUser, UnlockUser, DisableUser', () => {
  it('lock → unlock → disable, each with its event carrying reason and actor', async () => {
    const { store, user, lock, unlock, disable } = setup();
    expect(await lock.execute(input)).toEqual({ ...user, status: 'LOCKED' });
    expect(await unlock.execute({ ...input, reason: 'owner verified' })).toEqual({
      ...user,
      status: 'ACTIVE',
    });
    expect(await disable.execute({ ...input, reason: 'account closed' })).toEqual({
      ...user,
      status: 'DISABLED',
    });
    const time = { seconds: String(now.getTime() / 1000), nanos: 0 };
    expect(store.events).toEqual([
      {
        type: 'identity.user.locked',
        tenantId: 't-1',
        userId: 'u-1',
        occurredAt: now,
        payload: { tenantId: 't-1', userId: 'u-1', reason: 'suspected takeover', actor: 'admin:alice', time },
      },
      expect.objectContaining({
        type: 'identity.user.unlocked',
        payload: expect.objectContaining({ reason: 'owner verified' }),
      }),
      expect.objectContaining({
        type: 'identity.user.disabled',
        payload: expect.objectContaining({ reason: 'account closed' }),
      }),
    ]);
  });

  it('is idempotent: a repeat returns the user unchanged and records nothing', async () => {
    const { store, lock, disable } = setup();
    await lock.execute(input);
    expect((await lock.execute(input)).status).toBe('LOCKED');
    await disable.execute(input);
    expect((await disable.execute(input)).status).toBe('DISABLED');
    expect(store.events.map((e) => e.type)).toEqual(['identity.user.locked', 'identity.user.disabled']);
    const fresh = setup();
    expect((await fresh.unlock.execute(input)).status).toBe('ACTIVE');
    expect(fresh.store.events).toEqual([]);
  });

  it('never brings a disabled user back: unlock and lock fail with USER_DISABLED', async () => {
    const { store, lock, unlock, disable } = setup();
    await disable.execute(input);
    await expect(unlock.execute(input)).rejects.toMatchObject({
      kind: 'FAILED_PRECONDITION',
      code: 'USER_DISABLED',
    });
    await expect(lock.execute(input)).rejects.toMatchObject({ code: 'USER_DISABLED' });
    expect(store.users.get('u-1')?.status).toBe('DISABLED');
    expect(store.events.map((e) => e.type)).toEqual(['identity.user.disabled']);
  });

  it('refuses an unknown user', async () => {
    await expect(setup().lock.execute({ ...input, userId: 'u-9' })).rejects.toMatchObject({
      code: 'USER_NOT_FOUND',
    });
  });
});
