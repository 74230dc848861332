import { Injectable } from '@nestjs/common';
import { RiskUnitOfWork } from '../../domain/ports';
import { emptyProfile } from '../../domain/profile';

/** A recovery code used or the factors reset: later sign-ins carry RECENT_RECOVERY for a while. */
@Injectable()
export class RecordRecoveryUseCase {
  constructor(private readonly uow: RiskUnitOfWork) {}

  execute(tenantId: string, userId: string, at: Date): Promise<void> {
    return this.uow.run(async (tx) => {
      const profile = (await tx.profiles.find(tenantId, userId)) ?? emptyProfile(tenantId, userId);
      if (profile.lastRecoveryAt && profile.lastRecoveryAt.getTime() >= at.getTime()) return;
      await tx.profiles.save({ ...profile, lastRecoveryAt: at }, at);
    });
  }
}
