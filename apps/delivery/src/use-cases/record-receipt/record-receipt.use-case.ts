import { Injectable } from '@nestjs/common';
import type { MessageStatus } from '../../domain/message';
import { Clock, DeliveryMetrics, DeliveryUnitOfWork, type ReceiptOutcome } from '../../domain/ports';

export interface Receipt {
  readonly provider: string;
  readonly providerMessageId: string;
  /** The provider's word: delivered, undelivered, failed (others are interim and ignored). */
  readonly status: string;
  readonly errorCode: string;
  readonly price: string;
  readonly priceUnit: string;
}

const FINAL: Record<
  string,
  { status: MessageStatus; event: 'delivery.message.delivered' | 'delivery.message.undelivered' }
> = {
  delivered: { status: 'DELIVERED', event: 'delivery.message.delivered' },
  completed: { status: 'DELIVERED', event: 'delivery.message.delivered' },
  undelivered: { status: 'UNDELIVERED', event: 'delivery.message.undelivered' },
  failed: { status: 'UNDELIVERED', event: 'delivery.message.undelivered' },
  busy: { status: 'UNDELIVERED', event: 'delivery.message.undelivered' },
  'no-answer': { status: 'UNDELIVERED', event: 'delivery.message.undelivered' },
};

/**
 * What a receipt's price cost: Twilio reports it negative (`-0.0400`, a debit), others may not;
 * the spend is its magnitude. No price, or no ISO 4217 currency: no spend.
 */
export function spendOf(price: string, priceUnit: string): ReceiptOutcome['spend'] {
  const amount = Math.abs(Number(price));
  const currency = priceUnit.trim().toUpperCase();
  if (price.trim() === '' || !Number.isFinite(amount) || !/^[A-Z]{3}$/.test(currency)) return undefined;
  return { amount, currency };
}

/** A provider's status callback: the message's final state, its price, and an event. */
@Injectable()
export class RecordReceiptUseCase {
  constructor(
    private readonly uow: DeliveryUnitOfWork,
    private readonly clock: Clock,
    private readonly metrics: DeliveryMetrics,
  ) {}

  /** Returns false for an unknown message or an interim status (both answered 204 anyway). */
  async execute(receipt: Receipt): Promise<boolean> {
    const final = FINAL[receipt.status];
    if (!final) return false;
    const recorded = await this.uow.run(async (tx) => {
      const message = await tx.messages.findByProviderId(receipt.provider, receipt.providerMessageId);
      if (!message || message.status === final.status) return undefined;
      const at = this.clock.now();
      await tx.messages.finish(message.codeId, final.status, at, {
        ...(receipt.errorCode ? { lastError: `provider error ${receipt.errorCode}` } : {}),
        price: receipt.price,
        priceUnit: receipt.priceUnit,
      });
      await tx.events.record({
        type: final.event,
        tenantId: message.tenantId,
        userId: message.userId,
        occurredAt: at,
        payload: {
          tenantId: message.tenantId,
          userId: message.userId,
          codeId: message.codeId,
          channel: message.channel,
          provider: receipt.provider,
          providerMessageId: receipt.providerMessageId,
          status: receipt.status,
          errorCode: receipt.errorCode,
          price: receipt.price,
          priceUnit: receipt.priceUnit,
        },
      });
      return { channel: message.channel, pricedBefore: message.price !== '' };
    });
    if (!recorded) return false;
    // Counted once committed; a repeated receipt changed nothing above, and a message's price
    // (repeated by a later receipt of another status) counts once.
    const spend = recorded.pricedBefore ? undefined : spendOf(receipt.price, receipt.priceUnit);
    this.metrics.receipt({
      channel: recorded.channel,
      provider: receipt.provider,
      outcome: final.status === 'DELIVERED' ? 'delivered' : 'undelivered',
      ...(spend ? { spend } : {}),
    });
    return true;
  }
}
