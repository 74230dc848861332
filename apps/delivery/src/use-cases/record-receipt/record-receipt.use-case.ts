import { Injectable } from '@nestjs/common';
import type { MessageStatus } from '../../domain/message';
import { Clock, DeliveryUnitOfWork } from '../../domain/ports';

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

/** A provider's status callback: the message's final state, its price, and an event. */
@Injectable()
export class RecordReceiptUseCase {
  constructor(
    private readonly uow: DeliveryUnitOfWork,
    private readonly clock: Clock,
  ) {}

  /** Returns false for an unknown message or an interim status (both answered 204 anyway). */
  execute(receipt: Receipt): Promise<boolean> {
    const final = FINAL[receipt.status];
    if (!final) return Promise.resolve(false);
    return this.uow.run(async (tx) => {
      const message = await tx.messages.findByProviderId(receipt.provider, receipt.providerMessageId);
      if (!message || message.status === final.status) return false;
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
      return true;
    });
  }
}
