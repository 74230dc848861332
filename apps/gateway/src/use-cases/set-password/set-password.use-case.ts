import { Injectable } from '@nestjs/common';
import { IdentityDirectory } from '../../domain/ports';

/** Sets a user's password (identity hashes it with argon2id and applies the password policy). */
@Injectable()
export class SetPasswordUseCase {
  constructor(private readonly identity: IdentityDirectory) {}

  execute(tenantId: string, userId: string, password: string): Promise<void> {
    return this.identity.setPassword(tenantId, userId, password);
  }
}
