import type { Meter } from '@opentelemetry/api';
import { meterOf } from '@portcullis/observability';
import { DeliveryMetrics, type MessageOutcome, type ReceiptOutcome } from '../domain/ports';

export const DELIVERY_MESSAGES_METRIC = 'portcullis.delivery.messages';
export const DELIVERY_RECEIPTS_METRIC = 'portcullis.delivery.receipts';
export const DELIVERY_SPEND_METRIC = 'portcullis.delivery.spend';

/**
 * portcullis.delivery.messages (per code: sent through a provider, or refused, failed, expired,
 * uncertain with the reason), portcullis.delivery.receipts (the provider's final word) and
 * portcullis.delivery.spend (what the provider charged, per currency). Labels are channels,
 * provider names from the settings, closed reason sets and ISO 4217 codes: never a destination,
 * tenant or user.
 */
export class OtelDeliveryMetrics extends DeliveryMetrics {
  private readonly messages;
  private readonly receipts;
  private readonly spend;

  constructor(meter: Meter = meterOf('@portcullis/delivery')) {
    super();
    this.messages = meter.createCounter(DELIVERY_MESSAGES_METRIC, {
      description: 'Codes delivery handled, by channel, provider (sent) and outcome with its reason.',
      unit: '{message}',
    });
    this.receipts = meter.createCounter(DELIVERY_RECEIPTS_METRIC, {
      description: 'Final provider receipts, by channel, provider and outcome.',
      unit: '{receipt}',
    });
    this.spend = meter.createCounter(DELIVERY_SPEND_METRIC, {
      description: 'What providers charged for messages, in the currency of the currency label.',
    });
  }

  message(outcome: MessageOutcome): void {
    this.messages.add(1, {
      'delivery.channel': outcome.channel,
      outcome: outcome.outcome,
      ...(outcome.provider ? { 'delivery.provider': outcome.provider } : {}),
      ...(outcome.reason ? { reason: outcome.reason } : {}),
    });
  }

  receipt(outcome: ReceiptOutcome): void {
    const labels = { 'delivery.channel': outcome.channel, 'delivery.provider': outcome.provider };
    this.receipts.add(1, { ...labels, outcome: outcome.outcome });
    if (outcome.spend) this.spend.add(outcome.spend.amount, { ...labels, currency: outcome.spend.currency });
  }
}
