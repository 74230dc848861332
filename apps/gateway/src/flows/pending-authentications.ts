import { Injectable } from '@nestjs/common';
import { DomainError } from '@portcullis/errors';
import { type AuthenticationRecord, statusAt } from '../domain/authentication';
import type { UserView } from '../domain/model';
import { GatewayUnitOfWork } from '../domain/ports';
import {
  AuthenticationFlow,
  authenticationNotFound,
  denialOfStatus,
  FlowErrorCodes,
} from './authentication-flow';

/**
 * The steps of a pending authentication: it must exist in this tenant, be pending and unexpired,
 * and its user must still be allowed in. A user locked or disabled after the attempt started is
 * refused here, and the attempt ends DENIED (SECURITY.md 21).
 */
@Injectable()
export class PendingAuthentications {
  constructor(
    private readonly uow: GatewayUnitOfWork,
    private readonly flow: AuthenticationFlow,
  ) {}

  async get(tenantId: string, id: string): Promise<AuthenticationRecord> {
    const found = await this.uow.run((tx) => tx.authentications.find(tenantId, id));
    if (!found) throw authenticationNotFound();
    const status = statusAt(found, this.flow.now());
    if (status === 'EXPIRED') {
      throw new DomainError(
        'FAILED_PRECONDITION',
        FlowErrorCodes.AUTHENTICATION_EXPIRED,
        'The authentication expired',
      );
    }
    if (status !== 'CHALLENGE_REQUIRED') {
      throw new DomainError(
        'FAILED_PRECONDITION',
        FlowErrorCodes.AUTHENTICATION_NOT_PENDING,
        'The authentication is already complete',
      );
    }
    return found;
  }

  async requireActiveUser(attempt: AuthenticationRecord, user: UserView): Promise<void> {
    const denial = denialOfStatus(user);
    if (!denial) return;
    await this.uow.run(async (tx) => {
      const at = this.flow.now();
      const denied = await tx.authentications.complete(attempt.tenantId, attempt.id, {
        status: 'DENIED',
        denialReason: denial,
        userId: user.id,
        amr: attempt.amr,
        at,
      });
      if (denied) await this.flow.failed(tx, denied, denial);
    });
    throw new DomainError(
      'PERMISSION_DENIED',
      denial,
      denial === 'ACCOUNT_LOCKED' ? 'The account is locked' : 'The account is disabled',
    );
  }
}
