import { Injectable } from '@nestjs/common';
import { DomainError } from '@portcullis/errors';
import type { UserView } from '../domain/model';
import { IdentityDirectory } from '../domain/ports';
import { denialOfStatus } from './authentication-flow';

/**
 * A locked or disabled user gets nothing on any path (SECURITY.md 21): the factor routes
 * (enrolment, activation, raw challenges) check the user's status as the sign-in flows do.
 */
@Injectable()
export class UserStatusGuard {
  constructor(private readonly identity: IdentityDirectory) {}

  async requireActive(tenantId: string, userId: string): Promise<UserView> {
    return this.check(await this.identity.getUser({ tenantId, userId }));
  }

  check(user: UserView): UserView {
    const denial = denialOfStatus(user);
    if (denial) {
      throw new DomainError(
        'PERMISSION_DENIED',
        denial,
        denial === 'ACCOUNT_LOCKED' ? 'The account is locked' : 'The account is disabled',
      );
    }
    return user;
  }
}
