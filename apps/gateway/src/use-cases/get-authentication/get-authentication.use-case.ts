import { Injectable } from '@nestjs/common';
import { type AuthenticationRecord, statusAt } from '../../domain/authentication';
import { GatewayUnitOfWork } from '../../domain/ports';
import { AuthenticationFlow, authenticationNotFound } from '../../flows/authentication-flow';

/** An authentication's state; its assertion is never returned again. */
@Injectable()
export class GetAuthenticationUseCase {
  constructor(
    private readonly uow: GatewayUnitOfWork,
    private readonly flow: AuthenticationFlow,
  ) {}

  async execute(tenantId: string, authenticationId: string): Promise<AuthenticationRecord> {
    const found = await this.uow.run((tx) => tx.authentications.find(tenantId, authenticationId));
    if (!found) throw authenticationNotFound();
    return { ...found, status: statusAt(found, this.flow.now()) };
  }
}
