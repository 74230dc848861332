import { MetricsProbe } from '@portcullis/observability';
import { OtelRiskMetrics, RISK_DECISIONS_METRIC } from './otel-risk-metrics';

describe('OtelRiskMetrics', () => {
  it('counts portcullis.risk.decisions by level and decision', async () => {
    const probe = new MetricsProbe();
    const metrics = new OtelRiskMetrics(probe.meter);
    metrics.decision('low', 'allow');
    metrics.decision('high', 'challenge');
    metrics.decision('low', 'allow');
    const points = await probe.points(RISK_DECISIONS_METRIC);
    expect(points.map((p) => [p.attributes, p.value])).toEqual([
      [{ 'risk.level': 'low', 'risk.decision': 'allow' }, 2],
      [{ 'risk.level': 'high', 'risk.decision': 'challenge' }, 1],
    ]);
    await probe.shutdown();
  });
});
