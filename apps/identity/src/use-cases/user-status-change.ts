import { toTimestamp } from '@portcullis/contracts';
import { userNotFound } from '../domain/identity.errors';
import type { Clock, IdentityUnitOfWork } from '../domain/ports';
import { nextStatus, type StatusChange, type User } from '../domain/user';

export interface UserStatusChangeInput {
  readonly tenantId: string;
  readonly userId: string;
  /** Why, for the audit trail. */
  readonly reason: string;
  /** Who asked (an administrator, an API key id), as the caller names them. */
  readonly actor: string;
}

const EVENT_OF = {
  lock: 'identity.user.locked',
  unlock: 'identity.user.unlocked',
  disable: 'identity.user.disabled',
} as const;

/**
 * Shared by LockUser, UnlockUser and DisableUser: the user's row is locked for the transaction, so
 * of concurrent identical changes exactly one changes the status and records the event; the
 * others (and any repeat) find it done and return the user unchanged.
 */
export function changeUserStatus(
  uow: IdentityUnitOfWork,
  clock: Clock,
  change: StatusChange,
  input: UserStatusChangeInput,
): Promise<User> {
  return uow.run(async (tx) => {
    const user = await tx.users.findByIdForUpdate(input.tenantId, input.userId);
    if (!user) throw userNotFound();
    const status = nextStatus(user.status, change);
    if (status === user.status) return user;
    const now = clock.now();
    await tx.users.setStatus(user.tenantId, user.id, status);
    await tx.events.record({
      type: EVENT_OF[change],
      tenantId: user.tenantId,
      userId: user.id,
      occurredAt: now,
      payload: {
        tenantId: user.tenantId,
        userId: user.id,
        reason: input.reason,
        actor: input.actor,
        time: toTimestamp(now),
      },
    });
    return { ...user, status };
  });
}
