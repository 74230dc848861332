import { Injectable } from '@nestjs/common';
import { raiseAlerts } from '../../domain/alerts';
import { Clock, RiskUnitOfWork } from '../../domain/ports';
import { RiskSettings } from '../../domain/risk-settings';

export type DeliveryOutcome =
  | {
      readonly kind: 'refused';
      readonly tenantId: string;
      readonly reason: string;
      readonly country: string;
      readonly at: Date;
    }
  | {
      readonly kind: 'fraud_alert';
      readonly tenantId: string;
      readonly scope: string;
      readonly key: string;
      readonly count: number;
      readonly windowSeconds: number;
      readonly at: Date;
    };

/** Refusals that look like SMS pumping (budgets, blocked prefixes and countries). */
const PUMPING_REASONS = /^(BUDGET_EXCEEDED_|COUNTRY_NOT_ALLOWED|DESTINATION_BLOCKED)/;

/**
 * Toll-fraud suspicion from delivery's events: its own burst alerts, and a run of refused sends
 * in a tenant, become one TOLL_FRAUD_SUSPECTED alert per subject and cool-down.
 */
@Injectable()
export class RecordDeliveryOutcomeUseCase {
  constructor(
    private readonly uow: RiskUnitOfWork,
    private readonly settings: RiskSettings,
    private readonly clock: Clock,
  ) {}

  execute(outcome: DeliveryOutcome): Promise<void> {
    const a = this.settings.alerts;
    const now = this.clock.now();
    return this.uow.run(async (tx) => {
      if (outcome.kind === 'fraud_alert') {
        await raiseAlerts(
          tx,
          outcome.tenantId,
          [
            {
              kind: 'TOLL_FRAUD_SUSPECTED',
              subject: `${outcome.scope.toLowerCase()}:${outcome.key}`,
              count: outcome.count,
              windowSeconds: outcome.windowSeconds,
              severity: 'high',
              detail: `delivery saw ${outcome.count} sends to ${outcome.scope.toLowerCase()} ${outcome.key} in ${outcome.windowSeconds} s`,
            },
          ],
          now,
          a,
        );
        return;
      }
      if (!PUMPING_REASONS.test(outcome.reason)) return;
      const refused = await tx.counters.increment(
        outcome.tenantId,
        'delivery_refused',
        outcome.at,
        a.tollFraudWindowSeconds,
      );
      if (refused < a.tollFraudRefusals) return;
      await raiseAlerts(
        tx,
        outcome.tenantId,
        [
          {
            kind: 'TOLL_FRAUD_SUSPECTED',
            subject: 'refusals',
            count: refused,
            windowSeconds: a.tollFraudWindowSeconds,
            severity: 'high',
            detail: `${refused} code messages refused by the toll-fraud defence (last: ${outcome.reason}${outcome.country ? `, ${outcome.country}` : ''})`,
          },
        ],
        now,
        a,
      );
    });
  }
}
