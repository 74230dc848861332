import { Injectable } from '@nestjs/common';
import { toTimestamp } from '@portcullis/contracts';
import { tenantNotFound, tenantSuspended } from '../../domain/identity.errors';
import { Clock, IdGenerator, IdentityUnitOfWork } from '../../domain/ports';
import { emailHint, phoneHint, type User } from '../../domain/user';

export interface CreateUserInput {
  readonly tenantId: string;
  readonly externalId: string;
  /** Already lower-cased at the edge; unique within the tenant (EMAIL_TAKEN). */
  readonly email?: string | undefined;
  /** Already normalised to E.164 at the edge. */
  readonly phoneNumber?: string | undefined;
}

/**
 * Stores the user and its identity.user.created event in one transaction (outbox): either both
 * exist afterwards or neither does.
 */
@Injectable()
export class CreateUserUseCase {
  constructor(
    private readonly uow: IdentityUnitOfWork,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
  ) {}

  execute(input: CreateUserInput): Promise<User> {
    return this.uow.run(async (tx) => {
      const tenant = await tx.tenants.findById(input.tenantId);
      if (!tenant) throw tenantNotFound();
      if (tenant.status !== 'ACTIVE') throw tenantSuspended();
      const user: User = {
        id: this.ids.next(),
        tenantId: tenant.id,
        externalId: input.externalId,
        email: input.email,
        phoneNumber: input.phoneNumber,
        status: 'ACTIVE',
        createdAt: this.clock.now(),
        hasPassword: false,
      };
      await tx.users.insert(user);
      await tx.events.record({
        type: 'identity.user.created',
        tenantId: user.tenantId,
        userId: user.id,
        occurredAt: user.createdAt,
        payload: {
          tenantId: user.tenantId,
          userId: user.id,
          externalId: user.externalId,
          emailHint: emailHint(user.email),
          phoneHint: phoneHint(user.phoneNumber),
          createTime: toTimestamp(user.createdAt),
        },
      });
      return user;
    });
  }
}
