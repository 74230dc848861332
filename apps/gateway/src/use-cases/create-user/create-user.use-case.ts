import { Injectable } from '@nestjs/common';
import type { UserView } from '../../domain/model';
import { type CreateUserCommand, IdentityDirectory } from '../../domain/ports';

@Injectable()
export class CreateUserUseCase {
  constructor(private readonly identity: IdentityDirectory) {}

  execute(input: CreateUserCommand): Promise<UserView> {
    return this.identity.createUser(input);
  }
}
