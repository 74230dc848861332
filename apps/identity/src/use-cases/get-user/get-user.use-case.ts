import { Injectable } from '@nestjs/common';
import { userNotFound } from '../../domain/identity.errors';
import { IdentityUnitOfWork } from '../../domain/ports';
import type { User } from '../../domain/user';

export type GetUserInput =
  | { readonly tenantId: string; readonly userId: string }
  | { readonly tenantId: string; readonly externalId: string };

@Injectable()
export class GetUserUseCase {
  constructor(private readonly uow: IdentityUnitOfWork) {}

  async execute(input: GetUserInput): Promise<User> {
    const user = await this.uow.run((tx) =>
      'userId' in input
        ? tx.users.findById(input.tenantId, input.userId)
        : tx.users.findByExternalId(input.tenantId, input.externalId),
    );
    if (!user) throw userNotFound();
    return user;
  }
}
