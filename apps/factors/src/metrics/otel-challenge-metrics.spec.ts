import { MetricsProbe } from '@portcullis/observability';
import { CHALLENGE_OUTCOMES_METRIC, OtelChallengeMetrics } from './otel-challenge-metrics';

describe('OtelChallengeMetrics', () => {
  it('counts portcullis.challenge.outcomes with factor type, purpose, outcome and reason labels', async () => {
    const probe = new MetricsProbe();
    const metrics = new OtelChallengeMetrics(probe.meter);
    metrics.outcome({ factorType: 'sms_otp', purpose: 'AUTHENTICATION', outcome: 'success' });
    metrics.outcome({ factorType: 'sms_otp', purpose: 'AUTHENTICATION', outcome: 'success' });
    metrics.outcome({
      factorType: 'totp',
      purpose: 'AUTHENTICATION',
      outcome: 'failure',
      reason: 'CODE_INVALID',
    });
    const points = await probe.points(CHALLENGE_OUTCOMES_METRIC);
    expect(points.map((p) => [p.attributes, p.value])).toEqual([
      [{ 'factor.type': 'sms_otp', 'challenge.purpose': 'AUTHENTICATION', outcome: 'success' }, 2],
      [
        {
          'factor.type': 'totp',
          'challenge.purpose': 'AUTHENTICATION',
          outcome: 'failure',
          reason: 'CODE_INVALID',
        },
        1,
      ],
    ]);
    await probe.shutdown();
  });
});
