import { Injectable } from '@nestjs/common';
import type { UserView } from '../../domain/model';
import { IdentityDirectory, type UserLookup } from '../../domain/ports';

@Injectable()
export class GetUserUseCase {
  constructor(private readonly identity: IdentityDirectory) {}

  execute(input: UserLookup): Promise<UserView> {
    return this.identity.getUser(input);
  }
}
