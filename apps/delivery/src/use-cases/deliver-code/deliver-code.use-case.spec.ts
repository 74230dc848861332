import { createLogger } from '@portcullis/observability';
import { MessageProviders } from '../../channels/message-providers';
import type { BudgetScope } from '../../domain/delivery-policy';
import type { Message } from '../../domain/message';
import {
  DeliveryMetrics,
  type DeliveryTransaction,
  type MessageOutcome,
  type ReceiptOutcome,
  type SendBudgets,
} from '../../domain/ports';
import { type CodeToSend, DeliverCodeUseCase } from './deliver-code.use-case';

const NOW = new Date('2026-03-01T10:00:00Z');

class RecordedMetrics extends DeliveryMetrics {
  readonly messages: MessageOutcome[] = [];
  message(outcome: MessageOutcome): void {
    this.messages.push(outcome);
  }
  receipt(_outcome: ReceiptOutcome): void {}
}

const code = (over: Partial<CodeToSend> = {}): CodeToSend => ({
  codeId: 'code-1',
  tenantId: 't-1',
  userId: 'u-1',
  channel: 'sms',
  code: '492817',
  destination: '+447911123456',
  locale: 'en',
  action: '',
  expiresAt: new Date(NOW.getTime() + 300_000),
  clientIp: '198.51.100.7',
  ...over,
});

/** Delivery with an in-memory message store, a budget answer and an SMS provider that accepts. */
function useCaseWith({
  exhausted,
  seenBefore,
  smsProviders = 1,
}: { exhausted?: BudgetScope; seenBefore?: Message['status']; smsProviders?: number } = {}) {
  const tx = {
    messages: {
      insert: () => Promise.resolve(seenBefore === undefined),
      find: () =>
        Promise.resolve(seenBefore ? { status: seenBefore, triedProviders: [] } : { triedProviders: [] }),
      claim: () => Promise.resolve(true),
      finish: () => Promise.resolve(),
      release: () => Promise.resolve(),
    },
    policies: { find: () => Promise.resolve(undefined) },
    tenants: { nameOf: () => Promise.resolve('Harbour Bank') },
    events: { record: () => Promise.resolve() },
  } as unknown as DeliveryTransaction;
  const uow = { run: <T>(work: (t: DeliveryTransaction) => Promise<T>) => work(tx) };
  const budgets = {
    admit: () => Promise.resolve(exhausted),
    observeBurst: () => Promise.resolve([]),
  } as unknown as SendBudgets;
  const providers = new MessageProviders(
    Array.from({ length: smsProviders }, () => ({
      name: 'twilio',
      channel: 'sms' as const,
      send: () => Promise.resolve({ providerMessageId: 'SM1' }),
    })),
  );
  const metrics = new RecordedMetrics();
  const useCase = new DeliverCodeUseCase(
    uow,
    budgets,
    providers,
    { hash: (value: string) => `h(${value.length})` },
    { now: () => NOW },
    { defaultTenantName: 'Portcullis', maxRetriesPerProvider: 0, retryBackoffMs: 0 },
    createLogger({ service: 'test', level: 'silent' }),
    metrics,
  );
  return { useCase, metrics };
}

describe('DeliverCodeUseCase metrics', () => {
  it('counts a sent message by channel and provider', async () => {
    const { useCase, metrics } = useCaseWith();
    expect(await useCase.execute(code())).toEqual({ status: 'SENT', provider: 'twilio' });
    expect(metrics.messages).toEqual([{ channel: 'sms', outcome: 'sent', provider: 'twilio' }]);
    // Never the number, the code or an id.
    expect(JSON.stringify(metrics.messages)).not.toMatch(/7911|492817|code-1|t-1|u-1/);
  });

  it('counts refusals and failures with their reason', async () => {
    const refused = useCaseWith({ exhausted: 'NUMBER' });
    await refused.useCase.execute(code());
    const noProvider = useCaseWith({ smsProviders: 0 });
    await noProvider.useCase.execute(code());
    const expired = useCaseWith();
    await expired.useCase.execute(code({ expiresAt: new Date(NOW.getTime() - 1) }));
    expect([
      ...refused.metrics.messages,
      ...noProvider.metrics.messages,
      ...expired.metrics.messages,
    ]).toEqual([
      { channel: 'sms', outcome: 'refused', reason: 'BUDGET_EXCEEDED_NUMBER' },
      { channel: 'sms', outcome: 'failed', reason: 'NO_PROVIDER' },
      { channel: 'sms', outcome: 'expired', reason: 'CODE_EXPIRED' },
    ]);
  });

  it('does not count a redelivered code again', async () => {
    const { useCase, metrics } = useCaseWith({ seenBefore: 'SENT' });
    expect((await useCase.execute(code())).status).toBe('DUPLICATE');
    expect(metrics.messages).toEqual([]);
  });
});
