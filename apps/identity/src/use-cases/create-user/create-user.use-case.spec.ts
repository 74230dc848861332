import type { EventType } from '@portcullis/contracts';
import type { NewEvent } from '@portcullis/messaging';
import type { IdentityTransaction, IdentityUnitOfWork } from '../../domain/ports';
import type { Tenant } from '../../domain/tenant';
import type { User } from '../../domain/user';
import { CreateUserUseCase } from './create-user.use-case';

/** In-memory unit of work: commits on success, discards everything on failure. */
function fakeStore(tenants: Tenant[]) {
  const users: User[] = [];
  const events: NewEvent<EventType>[] = [];
  const uow: IdentityUnitOfWork = {
    async run<T>(work: (tx: IdentityTransaction) => Promise<T>): Promise<T> {
      const pendingUsers: User[] = [];
      const pendingEvents: NewEvent<EventType>[] = [];
      const result = await work({
        tenants: { findById: async (id) => tenants.find((t) => t.id === id), insert: async () => undefined },
        users: {
          findById: async () => undefined,
          findByExternalId: async () => undefined,
          insert: async (u) => {
            pendingUsers.push(u);
          },
        },
        events: {
          record: async (e) => {
            pendingEvents.push(e);
          },
        },
      });
      users.push(...pendingUsers);
      events.push(...pendingEvents);
      return result;
    },
  };
  return { uow, users, events };
}

const now = new Date('2026-11-28T10:00:00Z');
const tenant: Tenant = { id: 't-1', name: 'Shop', status: 'ACTIVE', createdAt: now };

describe('CreateUserUseCase', () => {
  const useCase = (store: ReturnType<typeof fakeStore>) =>
    new CreateUserUseCase(store.uow, { now: () => now }, { next: () => 'u-1' });

  it('creates an active user and records identity.user.created with hints only', async () => {
    const store = fakeStore([tenant]);
    const user = await useCase(store).execute({
      tenantId: 't-1',
      externalId: 'c-9',
      email: 'zoe@example.net',
      phoneNumber: '+14155552671',
    });
    expect(user).toMatchObject({ id: 'u-1', tenantId: 't-1', status: 'ACTIVE', createdAt: now });
    expect(store.users).toHaveLength(1);
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
    const store = fakeStore(tenants);
    await expect(useCase(store).execute({ tenantId: 't-1', externalId: 'c-9' })).rejects.toMatchObject({
      code,
    });
    expect(store.users).toHaveLength(0);
    expect(store.events).toHaveLength(0);
  });
});
