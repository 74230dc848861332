import type { EventType } from '@portcullis/contracts';
import type { NewEvent } from '@portcullis/messaging';
import type { Budget, BudgetScope, DeliveryPolicy } from './delivery-policy';
import type { Message, MessageStatus } from './message';
import type { Channel } from './templates';

export interface NewMessage {
  readonly codeId: string;
  readonly tenantId: string;
  readonly userId: string;
  readonly channel: Channel;
  readonly destinationHint: string;
  readonly country: string;
  readonly at: Date;
}

export interface MessageRepository {
  /** The at-most-once record: false when the code id was seen before. */
  insert(message: NewMessage): Promise<boolean>;
  find(codeId: string): Promise<(Message & { triedProviders: readonly string[] }) | undefined>;
  findByProviderId(provider: string, providerMessageId: string): Promise<Message | undefined>;
  /** RECEIVED → SENDING on `provider`, atomically: false when another worker holds the message. */
  claim(codeId: string, provider: string, at: Date): Promise<boolean>;
  /** SENDING → RECEIVED after a failure the provider certainly did not act on (or to fail over). */
  release(codeId: string, at: Date, lastError: string, tried: string | undefined): Promise<void>;
  finish(
    codeId: string,
    status: MessageStatus,
    at: Date,
    fields: {
      reason?: string;
      providerMessageId?: string;
      lastError?: string;
      price?: string;
      priceUnit?: string;
    },
  ): Promise<void>;
}

export interface EventRecorder {
  record<K extends EventType>(event: NewEvent<K>): Promise<void>;
}

export interface DeliveryTransaction {
  readonly messages: MessageRepository;
  readonly events: EventRecorder;
  readonly policies: {
    find(tenantId: string): Promise<DeliveryPolicy | undefined>;
    save(tenantId: string, policy: DeliveryPolicy, at: Date): Promise<void>;
  };
  readonly tenants: {
    nameOf(tenantId: string): Promise<string | undefined>;
    save(tenantId: string, name: string): Promise<void>;
  };
}

export abstract class DeliveryUnitOfWork {
  abstract run<T>(work: (tx: DeliveryTransaction) => Promise<T>): Promise<T>;
}

export interface BudgetKey {
  readonly scope: BudgetScope;
  readonly key: string;
  readonly budget: Budget;
}

export interface AlertKey {
  readonly scope: 'PREFIX' | 'COUNTRY';
  readonly key: string;
}

/** Sliding-window send budgets shared by every instance (SECURITY.md 9). */
export abstract class SendBudgets {
  /**
   * Counts one send against every key, or none: the first exhausted scope when any is spent.
   * Atomic across instances.
   */
  abstract admit(tenantId: string, keys: readonly BudgetKey[], now: Date): Promise<BudgetScope | undefined>;
  /** Records sends for burst detection and returns the keys whose burst threshold was just crossed. */
  abstract observeBurst(
    tenantId: string,
    keys: readonly AlertKey[],
    burst: Budget,
    now: Date,
  ): Promise<{ key: AlertKey; count: number; windowStart: Date }[]>;
}

export abstract class Clock {
  abstract now(): Date;
}

/** One code's message as the metrics endpoint counts it: channel and provider, never who or where. */
export interface MessageOutcome {
  readonly channel: Channel;
  readonly outcome: 'sent' | 'refused' | 'failed' | 'expired' | 'uncertain';
  /** The provider that took the message (sent only). */
  readonly provider?: string;
  /** Why not (all but sent): a RefusalReason or FailureReason, a closed set. */
  readonly reason?: string;
}

/** A provider's final word on a message, with what it charged when it said. */
export interface ReceiptOutcome {
  readonly channel: Channel;
  readonly provider: string;
  readonly outcome: 'delivered' | 'undelivered';
  /** A non-negative amount in an ISO 4217 currency. */
  readonly spend?: { readonly amount: number; readonly currency: string };
}

/** Counts messages, receipts and spend (portcullis.delivery.*); unit tests replace it. */
export abstract class DeliveryMetrics {
  abstract message(outcome: MessageOutcome): void;
  abstract receipt(outcome: ReceiptOutcome): void;
}
