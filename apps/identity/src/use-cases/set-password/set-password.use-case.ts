import { Injectable } from '@nestjs/common';
import { toTimestamp } from '@portcullis/contracts';
import { userDisabled, userNotFound } from '../../domain/identity.errors';
import { acceptablePassword } from '../../domain/password-policy';
import { Clock, IdentityUnitOfWork, PasswordHasher } from '../../domain/ports';

export interface SetPasswordInput {
  readonly tenantId: string;
  readonly userId: string;
  readonly password: string;
}

/**
 * Checks the password policy, hashes (argon2id, outside any transaction: it takes tens of
 * milliseconds), then stores the hash and identity.password.set together. The event says that a
 * password was set, never what it is.
 */
@Injectable()
export class SetPasswordUseCase {
  constructor(
    private readonly uow: IdentityUnitOfWork,
    private readonly hasher: PasswordHasher,
    private readonly clock: Clock,
  ) {}

  async execute(input: SetPasswordInput): Promise<void> {
    const user = await this.uow.run((tx) => tx.users.findById(input.tenantId, input.userId));
    if (!user) throw userNotFound();
    if (user.status === 'DISABLED') throw userDisabled();
    const hash = await this.hasher.hash(acceptablePassword(input.password, user));
    await this.uow.run(async (tx) => {
      // Re-read under a row lock: a DisableUser that committed meanwhile wins.
      const current = await tx.users.findByIdForUpdate(input.tenantId, input.userId);
      if (!current) throw userNotFound();
      if (current.status === 'DISABLED') throw userDisabled();
      const now = this.clock.now();
      await tx.passwords.save(current.id, hash, now);
      await tx.events.record({
        type: 'identity.password.set',
        tenantId: current.tenantId,
        userId: current.id,
        occurredAt: now,
        payload: { tenantId: current.tenantId, userId: current.id, setTime: toTimestamp(now) },
      });
    });
  }
}
