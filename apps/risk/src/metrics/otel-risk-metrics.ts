import type { Meter } from '@opentelemetry/api';
import { meterOf } from '@portcullis/observability';
import type { RiskLevel } from '../domain/assessment';
import { RiskMetrics } from '../domain/ports';
import type { Decision } from '../domain/risk-policy';

export const RISK_DECISIONS_METRIC = 'portcullis.risk.decisions';

/** portcullis.risk.decisions: scored attempts by risk level and decision (closed sets). */
export class OtelRiskMetrics extends RiskMetrics {
  private readonly decisions;

  constructor(meter: Meter = meterOf('@portcullis/risk')) {
    super();
    this.decisions = meter.createCounter(RISK_DECISIONS_METRIC, {
      description: 'Risk decisions on sign-in and step-up attempts, by level and decision.',
      unit: '{decision}',
    });
  }

  decision(level: RiskLevel, decision: Decision): void {
    this.decisions.add(1, { 'risk.level': level, 'risk.decision': decision });
  }
}
