import type { Meter } from '@opentelemetry/api';
import { meterOf } from '@portcullis/observability';
import { ChallengeMetrics, type ChallengeOutcome } from '../domain/ports';

export const CHALLENGE_OUTCOMES_METRIC = 'portcullis.challenge.outcomes';

/**
 * portcullis.challenge.outcomes: verifications by factor type, purpose (AUTHENTICATION or
 * ENROLLMENT), outcome and, for failures, the reason. Every label is a closed set.
 */
export class OtelChallengeMetrics extends ChallengeMetrics {
  private readonly outcomes;

  constructor(meter: Meter = meterOf('@portcullis/factors')) {
    super();
    this.outcomes = meter.createCounter(CHALLENGE_OUTCOMES_METRIC, {
      description: 'Challenge verifications, by factor type, purpose, outcome and failure reason.',
      unit: '{verification}',
    });
  }

  outcome(outcome: ChallengeOutcome): void {
    this.outcomes.add(1, {
      'factor.type': outcome.factorType,
      'challenge.purpose': outcome.purpose,
      outcome: outcome.outcome,
      ...(outcome.outcome === 'failure' ? { reason: outcome.reason } : {}),
    });
  }
}
