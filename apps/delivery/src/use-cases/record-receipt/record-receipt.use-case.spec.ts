import type { Message } from '../../domain/message';
import {
  DeliveryMetrics,
  type DeliveryTransaction,
  type MessageOutcome,
  type ReceiptOutcome,
} from '../../domain/ports';
import { type Receipt, RecordReceiptUseCase, spendOf } from './record-receipt.use-case';

class RecordedMetrics extends DeliveryMetrics {
  readonly receipts: ReceiptOutcome[] = [];
  message(_outcome: MessageOutcome): void {}
  receipt(outcome: ReceiptOutcome): void {
    this.receipts.push(outcome);
  }
}

const message = (over: Partial<Message> = {}): Message => ({
  codeId: 'code-1',
  tenantId: 't-1',
  userId: 'u-1',
  channel: 'sms',
  status: 'SENT',
  reason: '',
  provider: 'twilio',
  providerMessageId: 'SM1',
  destinationHint: '+44********01',
  country: 'GB',
  attempts: 1,
  price: '',
  priceUnit: '',
  createdAt: new Date(0),
  updatedAt: new Date(0),
  ...over,
});

/** A message store of one message that receipts update as the SQL one does. */
function useCaseWith(stored: Message | undefined) {
  let current = stored;
  const tx = {
    messages: {
      findByProviderId: () => Promise.resolve(current),
      finish: (
        _id: string,
        status: Message['status'],
        _at: Date,
        f: { price?: string; priceUnit?: string },
      ) => {
        current = current && {
          ...current,
          status,
          price: f.price ?? current.price,
          priceUnit: f.priceUnit ?? '',
        };
        return Promise.resolve();
      },
    },
    events: { record: () => Promise.resolve() },
  } as unknown as DeliveryTransaction;
  const uow = { run: <T>(work: (t: DeliveryTransaction) => Promise<T>) => work(tx) };
  const metrics = new RecordedMetrics();
  return { useCase: new RecordReceiptUseCase(uow, { now: () => new Date() }, metrics), metrics };
}

const receipt = (over: Partial<Receipt> = {}): Receipt => ({
  provider: 'twilio',
  providerMessageId: 'SM1',
  status: 'delivered',
  errorCode: '',
  price: '-0.0400',
  priceUnit: 'GBP',
  ...over,
});

describe('spendOf', () => {
  it("is the price's magnitude in an ISO 4217 currency, or nothing", () => {
    expect(spendOf('-0.0400', 'GBP')).toEqual({ amount: 0.04, currency: 'GBP' });
    expect(spendOf('0.0075', 'usd')).toEqual({ amount: 0.0075, currency: 'USD' });
    expect(spendOf('', 'USD')).toBeUndefined();
    expect(spendOf('free', 'USD')).toBeUndefined();
    expect(spendOf('-0.04', '')).toBeUndefined();
    expect(spendOf('-0.04', 'pounds sterling')).toBeUndefined();
  });
});

describe('RecordReceiptUseCase metrics', () => {
  it('counts a final receipt with its spend, once, and a later one of another status without the price again', async () => {
    const { useCase, metrics } = useCaseWith(message());
    expect(await useCase.execute(receipt({ status: 'sent' }))).toBe(false); // interim
    expect(await useCase.execute(receipt())).toBe(true);
    expect(await useCase.execute(receipt())).toBe(false); // repeated
    expect(await useCase.execute(receipt({ status: 'undelivered', errorCode: '30005' }))).toBe(true);
    expect(metrics.receipts).toEqual([
      { channel: 'sms', provider: 'twilio', outcome: 'delivered', spend: { amount: 0.04, currency: 'GBP' } },
      { channel: 'sms', provider: 'twilio', outcome: 'undelivered' },
    ]);
  });

  it('counts nothing for a message it does not know', async () => {
    const { useCase, metrics } = useCaseWith(undefined);
    expect(await useCase.execute(receipt())).toBe(false);
    expect(metrics.receipts).toEqual([]);
  });
});
