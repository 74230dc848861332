import { Injectable } from '@nestjs/common';
import type { UserView } from '../../domain/model';
import { IdentityDirectory } from '../../domain/ports';

@Injectable()
export class UnlockUserUseCase {
  constructor(private readonly identity: IdentityDirectory) {}

  execute(input: { tenantId: string; userId: string; reason: string; actor: string }): Promise<UserView> {
    return this.identity.unlockUser(input.tenantId, input.userId, input.reason, input.actor);
  }
}
