import { Injectable } from '@nestjs/common';
import { Clock, IdentityUnitOfWork } from '../../domain/ports';
import type { User } from '../../domain/user';
import { changeUserStatus, type UserStatusChangeInput } from '../user-status-change';

/** Disables a user for good: it can no longer be locked, unlocked or given a password. Idempotent. */
@Injectable()
export class DisableUserUseCase {
  constructor(
    private readonly uow: IdentityUnitOfWork,
    private readonly clock: Clock,
  ) {}

  execute(input: UserStatusChangeInput): Promise<User> {
    return changeUserStatus(this.uow, this.clock, 'disable', input);
  }
}
