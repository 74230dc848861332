import { InMemoryIdentity } from '../../../test/identity-fakes';
import type { Tenant } from '../../domain/tenant';
import { CreateUserUseCase } from './create-user.use-case';

const now = new Date('2026-11-28T10:00:00Z');
const tenant: Tenant = { id: 't-1', name: 'Shop', status: 'ACTIVE', createdAt: now };

describe('CreateUserUseCase', () => {
  const useCase = (store: InMemoryIdentity) =>
    new CreateUserUseCase(store.uow, { now: () => now }, { next: () => 'u-1' });

  it('creates an active user without a password and records identity.user.created with hints only', async () => {
    const store = new InMemoryIdentity([tenant]);
    const user = await useCase(store).execute({
      tenantId: 't-1',
      externalId: 'c-9',
      email: 'zoe@example.net',
      phoneNumber: '+14155552671',
    });
    expect(user).toMatchObject({
      id: 'u-1',
      tenantId: 't-1',
      status: 'ACTIVE',
      createdAt: now,
      hasPassword: false,
    });
    expect(store.users.size).toBe(1);
    expect(store.events).toEqual([
      {
        type: 'identity.user.created',
        tenantId: 't-1',
        userId: 'u-1',
        occurredAt: now,
        payload: {
          tenantId: 't-1',
          userId: 'u-1',
          externalId: 'c-9',
          emailHint: 'z***@example.net',
          phoneHint: '+14*******71',
          createTime: { seconds: String(now.getTime() / 1000), nanos: 0 },
        },
      },
    ]);
    expect(JSON.stringify(store.events)).not.toMatch(/zoe@|4155552671/);
  });

  it.each([
    ['an unknown tenant', [], 'TENANT_NOT_FOUND'],
    ['a suspended tenant', [{ ...tenant, status: 'SUSPENDED' as const }], 'TENANT_SUSPENDED'],
  ])('refuses %s and changes nothing', async (_name, tenants, code) => {
    const store = new InMemoryIdentity(tenants);
    await expect(useCase(store).execute({ tenantId: 't-1', externalId: 'c-9' })).rejects.toMatchObject({
      code,
    });
    expect(store.users.size).toBe(0);
    expect(store.events).toHaveLength(0);
  });
});
