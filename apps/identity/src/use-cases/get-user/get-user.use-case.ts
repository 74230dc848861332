import { Injectable } from '@nestjs/common';
import { userNotFound } from '../../domain/identity.errors';
import { IdentityUnitOfWork } from '../../domain/ports';
import type { User, UserLogin } from '../../domain/user';

export interface GetUserInput {
  readonly tenantId: string;
  /** By id, external id or email (case-insensitive). */
  readonly login: UserLogin;
}

@Injectable()
export class GetUserUseCase {
  constructor(private readonly uow: IdentityUnitOfWork) {}

  async execute(input: GetUserInput): Promise<User> {
    const user = await this.uow.run((tx) => tx.users.findByLogin(input.tenantId, input.login));
    if (!user) throw userNotFound();
    return user;
  }
}
