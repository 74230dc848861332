import { randomUUID } from 'node:crypto';
import { identityV1 } from '@portcullis/contracts';
import { failure, IdentityHarness } from './identity-harness';

const { USER_STATUS_ACTIVE, USER_STATUS_LOCKED, USER_STATUS_DISABLED } = identityV1.UserStatus;
const {
  PASSWORD_RESULT_VALID,
  PASSWORD_RESULT_INVALID,
  PASSWORD_RESULT_ACCOUNT_LOCKED,
  PASSWORD_RESULT_ACCOUNT_DISABLED,
} = identityV1.PasswordResult;
const PASSWORD = 'correct horse battery staple';

/** Account status against real PostgreSQL: lock, unlock, disable, their events and sign-in outcome. */
describe('identity: account status', () => {
  const h = new IdentityHarness();
  const change = (
    rpc: 'lockUser' | 'unlockUser' | 'disableUser',
    userId: string,
    reason = 'support ticket 1234',
  ) => h.client.call(rpc, { tenantId: h.tenantId, userId, reason, actor: 'admin:alice' });
  const statusEvents = async (userId: string) =>
    (await h.events()).filter(
      (e) =>
        e.type.startsWith('identity.user.') &&
        e.payload['userId'] === userId &&
        e.type !== 'identity.user.created',
    );

  beforeAll(async () => {
    await h.start();
  });
  afterAll(async () => {
    await h.stop();
  });

  it('a locked user gets ACCOUNT_LOCKED, with the user, even with the right password; a wrong one stays INVALID (SECURITY.md 21, 26)', async () => {
    const user = await h.createUser();
    await h.setPassword(user.id, PASSWORD);
    const { user: locked } = await change('lockUser', user.id, 'suspected account takeover');
    expect(locked).toMatchObject({ id: user.id, status: USER_STATUS_LOCKED, hasPassword: true });

    const right = await h.verify({ email: user.email }, PASSWORD);
    expect(right.result).toBe(PASSWORD_RESULT_ACCOUNT_LOCKED);
    expect(right.user).toMatchObject({ id: user.id, status: USER_STATUS_LOCKED });
    expect(await h.verify({ email: user.email }, 'not the password')).toEqual({
      result: PASSWORD_RESULT_INVALID,
      user: undefined,
      retryAfterSeconds: 0,
    });

    const events = await statusEvents(user.id);
    expect(events).toEqual([
      expect.objectContaining({
        type: 'identity.user.locked',
        key: `${h.tenantId}:${user.id}`,
        payload: {
          tenantId: h.tenantId,
          userId: user.id,
          reason: 'suspected account takeover',
          actor: 'admin:alice',
          time: expect.any(String),
        },
      }),
    ]);
  });

  it('unlocks a locked user, who signs in again', async () => {
    const user = await h.createUser();
    await h.setPassword(user.id, PASSWORD);
    await change('lockUser', user.id);
    const { user: unlocked } = await change('unlockUser', user.id, 'owner verified by phone');
    expect(unlocked?.status).toBe(USER_STATUS_ACTIVE);
    expect((await h.verify({ userId: user.id }, PASSWORD)).result).toBe(PASSWORD_RESULT_VALID);
    expect((await statusEvents(user.id)).map((e) => [e.type, e.payload['reason']])).toEqual([
      ['identity.user.locked', 'support ticket 1234'],
      ['identity.user.unlocked', 'owner verified by phone'],
    ]);
  });

  it('a disabled user gets ACCOUNT_DISABLED and can be neither unlocked nor locked (USER_DISABLED), nor given a password', async () => {
    const user = await h.createUser();
    await h.setPassword(user.id, PASSWORD);
    await change('lockUser', user.id);
    const { user: disabled } = await change('disableUser', user.id, 'account closed');
    expect(disabled?.status).toBe(USER_STATUS_DISABLED);
    const right = await h.verify({ externalId: user.externalId }, PASSWORD);
    expect(right.result).toBe(PASSWORD_RESULT_ACCOUNT_DISABLED);
    expect(right.user?.status).toBe(USER_STATUS_DISABLED);
    for (const rpc of ['unlockUser', 'lockUser'] as const) {
      expect(await failure(change(rpc, user.id))).toMatchObject({
        kind: 'FAILED_PRECONDITION',
        code: 'USER_DISABLED',
      });
    }
    expect(await failure(h.setPassword(user.id, 'a brand new passphrase'))).toMatchObject({
      code: 'USER_DISABLED',
    });
    const { user: fetched } = await h.client.call('getUser', { tenantId: h.tenantId, userId: user.id });
    expect(fetched?.status).toBe(USER_STATUS_DISABLED);
    expect((await statusEvents(user.id)).map((e) => e.type)).toEqual([
      'identity.user.locked',
      'identity.user.disabled',
    ]);
  });

  it('is idempotent: repeated and concurrent locks return the locked user and emit one event', async () => {
    const user = await h.createUser();
    const results = await Promise.all(Array.from({ length: 8 }, () => change('lockUser', user.id)));
    expect(results.every((r) => r.user?.status === USER_STATUS_LOCKED)).toBe(true);
    const again = await change('lockUser', user.id, 'another reason');
    expect(again.user).toEqual(results[0].user);
    expect((await statusEvents(user.id)).map((e) => e.type)).toEqual(['identity.user.locked']);
    // Unlocking an active user changes nothing either.
    const other = await h.createUser();
    expect((await change('unlockUser', other.id)).user?.status).toBe(USER_STATUS_ACTIVE);
    expect(await statusEvents(other.id)).toEqual([]);
  });

  it('validates the request and names the unknown user', async () => {
    const user = await h.createUser();
    const error = await failure(
      h.client.call('lockUser', { tenantId: h.tenantId, userId: user.id, reason: ' ', actor: '' }),
    );
    expect(error).toMatchObject({ code: 'VALIDATION_FAILED' });
    expect(error.message).toMatch(/reason: is required.*actor: is required/);
    expect(await failure(change('lockUser', randomUUID()))).toMatchObject({ code: 'USER_NOT_FOUND' });
    expect(await statusEvents(user.id)).toEqual([]);
  });
});
