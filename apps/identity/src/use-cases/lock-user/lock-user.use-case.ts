import { Injectable } from '@nestjs/common';
import { Clock, IdentityUnitOfWork } from '../../domain/ports';
import type { User } from '../../domain/user';
import { changeUserStatus, type UserStatusChangeInput } from '../user-status-change';

/** Locks a user: VerifyPassword answers ACCOUNT_LOCKED and the gateway grants nothing until UnlockUser. Idempotent. */
@Injectable()
export class LockUserUseCase {
  constructor(
    private readonly uow: IdentityUnitOfWork,
    private readonly clock: Clock,
  ) {}

  execute(input: UserStatusChangeInput): Promise<User> {
    return changeUserStatus(this.uow, this.clock, 'lock', input);
  }
}
