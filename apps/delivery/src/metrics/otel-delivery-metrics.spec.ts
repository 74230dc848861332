import { MetricsProbe } from '@portcullis/observability';
import {
  DELIVERY_MESSAGES_METRIC,
  DELIVERY_RECEIPTS_METRIC,
  DELIVERY_SPEND_METRIC,
  OtelDeliveryMetrics,
} from './otel-delivery-metrics';

describe('OtelDeliveryMetrics', () => {
  it('counts messages, receipts and spend per channel, provider, outcome and currency', async () => {
    const probe = new MetricsProbe();
    const metrics = new OtelDeliveryMetrics(probe.meter);
    metrics.message({ channel: 'sms', outcome: 'sent', provider: 'twilio' });
    metrics.message({ channel: 'sms', outcome: 'refused', reason: 'BUDGET_EXCEEDED_NUMBER' });
    metrics.receipt({
      channel: 'sms',
      provider: 'twilio',
      outcome: 'delivered',
      spend: { amount: 0.04, currency: 'GBP' },
    });
    metrics.receipt({
      channel: 'sms',
      provider: 'twilio',
      outcome: 'delivered',
      spend: { amount: 0.0075, currency: 'GBP' },
    });
    metrics.receipt({ channel: 'voice', provider: 'twilio', outcome: 'undelivered' });
    const rows = async (name: string) => (await probe.points(name)).map((p) => [p.attributes, p.value]);
    expect(await rows(DELIVERY_MESSAGES_METRIC)).toEqual([
      [{ 'delivery.channel': 'sms', outcome: 'sent', 'delivery.provider': 'twilio' }, 1],
      [{ 'delivery.channel': 'sms', outcome: 'refused', reason: 'BUDGET_EXCEEDED_NUMBER' }, 1],
    ]);
    expect(await rows(DELIVERY_RECEIPTS_METRIC)).toEqual([
      [{ 'delivery.channel': 'sms', 'delivery.provider': 'twilio', outcome: 'delivered' }, 2],
      [{ 'delivery.channel': 'voice', 'delivery.provider': 'twilio', outcome: 'undelivered' }, 1],
    ]);
    const spend = await probe.points(DELIVERY_SPEND_METRIC);
    expect(spend).toHaveLength(1);
    expect(spend[0]?.attributes).toEqual({
      'delivery.channel': 'sms',
      'delivery.provider': 'twilio',
      currency: 'GBP',
    });
    expect(spend[0]?.value).toBeCloseTo(0.0475, 10);
    await probe.shutdown();
  });
});
