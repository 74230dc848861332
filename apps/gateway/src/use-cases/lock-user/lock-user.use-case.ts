import { Injectable } from '@nestjs/common';
import type { UserView } from '../../domain/model';
import { IdentityDirectory } from '../../domain/ports';

/** Locks a user: every path refuses them, including authentications already under way. */
@Injectable()
export class LockUserUseCase {
  constructor(private readonly identity: IdentityDirectory) {}

  execute(input: { tenantId: string; userId: string; reason: string; actor: string }): Promise<UserView> {
    return this.identity.lockUser(input.tenantId, input.userId, input.reason, input.actor);
  }
}
