import { Injectable } from '@nestjs/common';
import { failureWaves, raiseAlerts } from '../../domain/alerts';
import { Clock, type NewFailure, RiskUnitOfWork } from '../../domain/ports';
import { RiskSettings } from '../../domain/risk-settings';
import { canonicalIp, subnetOf } from '../../domain/velocity';

export type FailureReport = Omit<NewFailure, 'ip' | 'subnet'> & { readonly clientIp?: string };

/**
 * A failed attempt reported by an event (the gateway's failed authentications, the factors
 * service's failed challenges). Recorded once per attempt and kind, so the same failure seen by
 * scoring and by an event counts once.
 */
@Injectable()
export class RecordFailureUseCase {
  constructor(
    private readonly uow: RiskUnitOfWork,
    private readonly settings: RiskSettings,
    private readonly clock: Clock,
  ) {}

  async execute(report: FailureReport): Promise<boolean> {
    const ip = report.clientIp ? canonicalIp(report.clientIp) : undefined;
    const failure: NewFailure = {
      tenantId: report.tenantId,
      attemptId: report.attemptId,
      kind: report.kind,
      userId: report.userId,
      ip,
      subnet: ip ? subnetOf(ip) : undefined,
      at: report.at,
    };
    const t = this.settings.velocity;
    return this.uow.run(async (tx) => {
      if (!(await tx.failures.record(failure))) return false;
      await tx.counters.increment(failure.tenantId, 'failures', failure.at, t.tenantWindowSeconds);
      const counts = await tx.failures.count(
        failure.tenantId,
        { ip, subnet: failure.subnet, userId: failure.userId },
        failure.at,
        t,
      );
      await raiseAlerts(
        tx,
        failure.tenantId,
        failureWaves(failure, counts, t),
        this.clock.now(),
        this.settings.alerts,
      );
      return true;
    });
  }
}
