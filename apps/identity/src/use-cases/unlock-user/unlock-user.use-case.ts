import { Injectable } from '@nestjs/common';
import { Clock, IdentityUnitOfWork } from '../../domain/ports';
import type { User } from '../../domain/user';
import { changeUserStatus, type UserStatusChangeInput } from '../user-status-change';

/** Unlocks a locked user; a disabled user stays disabled (USER_DISABLED). Idempotent. */
@Injectable()
export class UnlockUserUseCase {
  constructor(
    private readonly uow: IdentityUnitOfWork,
    private readonly clock: Clock,
  ) {}

  execute(input: UserStatusChangeInput): Promise<User> {
    return changeUserStatus(this.uow, this.clock, 'unlock', input);
  }
}
