import { Injectable } from '@nestjs/common';
import type { Logger } from '@portcullis/observability';
import { parsePhoneNumberFromString } from 'libphonenumber-js';
import { MessageProviders } from '../../channels/message-providers';
import { ProviderError } from '../../channels/message-provider';
import { type BudgetScope, DEFAULT_DELIVERY_POLICY, type DeliveryPolicy } from '../../domain/delivery-policy';
import { destinationHint, FINAL_STATUSES, type RefusalReason } from '../../domain/message';
import {
  type AlertKey,
  type BudgetKey,
  Clock,
  DeliveryMetrics,
  DeliveryUnitOfWork,
  type MessageOutcome,
  SendBudgets,
} from '../../domain/ports';
import { type Channel, renderMessage } from '../../domain/templates';

/** What delivery needs from a factors.code.issued event, the code and destination opened. */
export interface CodeToSend {
  readonly codeId: string;
  readonly tenantId: string;
  readonly userId: string;
  readonly channel: Channel;
  readonly code: string;
  readonly destination: string;
  readonly locale: string;
  readonly action: string;
  readonly expiresAt: Date;
  readonly clientIp: string;
}

export type DeliveryOutcome =
  | { readonly status: 'SENT'; readonly provider: string }
  | {
      readonly status: 'DUPLICATE' | 'REFUSED' | 'FAILED' | 'UNCERTAIN' | 'EXPIRED';
      readonly reason: string;
    };

/** Keyed hashes of destinations and IPs: budgets count them without storing them. */
export abstract class BudgetKeyHasher {
  abstract hash(value: string): string;
}

export interface DeliverySettings {
  readonly defaultTenantName: string;
  /** Retries of a RETRY failure on one provider before failing over. */
  readonly maxRetriesPerProvider: number;
  readonly retryBackoffMs: number;
}

const COUNTED = { REFUSED: 'refused', FAILED: 'failed', UNCERTAIN: 'uncertain', EXPIRED: 'expired' } as const;

/** The outcome as counted; a DUPLICATE (counted before, or being sent elsewhere) is not again. */
function messageOutcomeOf(channel: Channel, outcome: DeliveryOutcome): MessageOutcome | undefined {
  if (outcome.status === 'SENT') return { channel, outcome: 'sent', provider: outcome.provider };
  if (outcome.status === 'DUPLICATE') return undefined;
  return { channel, outcome: COUNTED[outcome.status], reason: outcome.reason };
}

const BUDGET_REASON: Record<BudgetScope, RefusalReason> = {
  NUMBER: 'BUDGET_EXCEEDED_NUMBER',
  USER: 'BUDGET_EXCEEDED_USER',
  IP: 'BUDGET_EXCEEDED_IP',
  TENANT: 'BUDGET_EXCEEDED_TENANT',
  COUNTRY: 'BUDGET_EXCEEDED_COUNTRY',
};

/**
 * At most one paid message per code id. The message row is recorded before any provider call
 * and claimed (RECEIVED → SENDING) before each one; a redelivery finds the record and sends
 * nothing. A crash while SENDING leaves the outcome unknown: the documented result is UNCERTAIN
 * and a failure event, never a second send (the user asks for a new code, which has a new id).
 */
@Injectable()
export class DeliverCodeUseCase {
  constructor(
    private readonly uow: DeliveryUnitOfWork,
    private readonly budgets: SendBudgets,
    private readonly providers: MessageProviders,
    private readonly hasher: BudgetKeyHasher,
    private readonly clock: Clock,
    private readonly settings: DeliverySettings,
    private readonly logger: Logger,
    private readonly metrics: DeliveryMetrics,
  ) {}

  async execute(code: CodeToSend): Promise<DeliveryOutcome> {
    const outcome = await this.deliver(code);
    const counted = messageOutcomeOf(code.channel, outcome);
    if (counted) this.metrics.message(counted);
    return outcome;
  }

  private async deliver(code: CodeToSend): Promise<DeliveryOutcome> {
    const now = this.clock.now();
    const phone = code.channel === 'email' ? undefined : parsePhoneNumberFromString(code.destination);
    const country = phone?.country ?? '';
    const hint = destinationHint(code.destination);
    const fresh = await this.uow.run((tx) =>
      tx.messages.insert({ ...code, destinationHint: hint, country, at: now }),
    );
    if (!fresh) {
      const existing = await this.uow.run((tx) => tx.messages.find(code.codeId));
      if (!existing || FINAL_STATUSES.includes(existing.status))
        return { status: 'DUPLICATE', reason: existing?.status ?? '' };
      if (existing.status === 'SENDING') {
        await this.fail(
          code,
          'UNCERTAIN',
          'OUTCOME_UNKNOWN',
          'a previous attempt ended without an outcome',
          existing.attempts,
        );
        return { status: 'UNCERTAIN', reason: 'OUTCOME_UNKNOWN' };
      }
    }
    if (code.expiresAt <= now) {
      await this.fail(code, 'EXPIRED', 'CODE_EXPIRED', 'the code expired before it could be sent', 0);
      return { status: 'EXPIRED', reason: 'CODE_EXPIRED' };
    }

    const { policy, tenantName } = await this.uow.run(async (tx) => ({
      policy: (await tx.policies.find(code.tenantId)) ?? DEFAULT_DELIVERY_POLICY,
      tenantName: (await tx.tenants.nameOf(code.tenantId)) ?? this.settings.defaultTenantName,
    }));
    const refusal = await this.admit(code, policy, country, now);
    if (refusal) {
      await this.uow.run(async (tx) => {
        await tx.messages.finish(code.codeId, 'REFUSED', now, { reason: refusal });
        await tx.events.record({
          type: 'delivery.message.refused',
          tenantId: code.tenantId,
          userId: code.userId,
          occurredAt: now,
          payload: { ...this.ids(code), reason: refusal, destinationHint: hint, country },
        });
      });
      return { status: 'REFUSED', reason: refusal };
    }
    if (phone) await this.watchBursts(code, policy, phone.number, country, now);

    const content = renderMessage(
      code.channel,
      code.locale,
      {
        code: code.code,
        tenant: tenantName,
        minutes: Math.max(1, Math.round((code.expiresAt.getTime() - now.getTime()) / 60_000)),
        action: code.action,
      },
      policy.templates,
    );
    return this.send(
      code,
      { codeId: code.codeId, tenantId: code.tenantId, channel: code.channel, to: code.destination, content },
      hint,
      country,
    );
  }

  private async send(
    code: CodeToSend,
    message: Parameters<import('../../channels/message-provider').MessageProvider['send']>[0],
    hint: string,
    country: string,
  ): Promise<DeliveryOutcome> {
    const providers = this.providers.of(code.channel);
    if (providers.length === 0) {
      await this.fail(code, 'FAILED', 'NO_PROVIDER', `no ${code.channel} provider is configured`, 0);
      return { status: 'FAILED', reason: 'NO_PROVIDER' };
    }
    const tried = new Set((await this.uow.run((tx) => tx.messages.find(code.codeId)))?.triedProviders ?? []);
    let lastError = '';
    let failovers = 0;
    for (const provider of providers) {
      if (tried.has(provider.name)) {
        failovers += 1;
        continue;
      }
      for (let attempt = 0; ; attempt += 1) {
        if (!(await this.uow.run((tx) => tx.messages.claim(code.codeId, provider.name, this.clock.now())))) {
          return { status: 'DUPLICATE', reason: 'claimed elsewhere' };
        }
        try {
          const receipt = await provider.send(message);
          const at = this.clock.now();
          await this.uow.run(async (tx) => {
            await tx.messages.finish(code.codeId, 'SENT', at, {
              providerMessageId: receipt.providerMessageId,
            });
            await tx.events.record({
              type: 'delivery.message.sent',
              tenantId: code.tenantId,
              userId: code.userId,
              occurredAt: at,
              payload: {
                ...this.ids(code),
                provider: provider.name,
                providerMessageId: receipt.providerMessageId,
                destinationHint: hint,
                country,
                failovers,
              },
            });
          });
          return { status: 'SENT', provider: provider.name };
        } catch (error) {
          if (!(error instanceof ProviderError)) throw error; // unknown outcome: stays SENDING
          lastError = error.summary;
          this.logger.warn(
            { codeId: code.codeId, provider: provider.name, handling: error.handling, error: error.summary },
            'provider failed',
          );
          if (error.handling === 'PERMANENT') {
            await this.fail(code, 'FAILED', 'INVALID_DESTINATION', lastError, attempt + 1);
            return { status: 'FAILED', reason: 'INVALID_DESTINATION' };
          }
          const retry = error.handling === 'RETRY' && attempt < this.settings.maxRetriesPerProvider;
          await this.uow.run((tx) =>
            tx.messages.release(code.codeId, this.clock.now(), lastError, retry ? undefined : provider.name),
          );
          if (!retry) break;
          const delay = error.retryAfterMs ?? this.settings.retryBackoffMs * 2 ** attempt;
          await new Promise((resolve) => setTimeout(resolve, delay));
        }
      }
      failovers += 1;
    }
    await this.fail(code, 'FAILED', 'PROVIDERS_FAILED', lastError, failovers);
    return { status: 'FAILED', reason: 'PROVIDERS_FAILED' };
  }

  /** Country rules, block list, destination validity, then the budgets (SECURITY.md 9). */
  private async admit(
    code: CodeToSend,
    policy: DeliveryPolicy,
    country: string,
    now: Date,
  ): Promise<RefusalReason | undefined> {
    if (code.channel !== 'email') {
      const phone = parsePhoneNumberFromString(code.destination);
      if (!phone?.isValid()) return 'INVALID_DESTINATION';
      if (policy.blockedPrefixes.some((prefix) => phone.number.startsWith(prefix)))
        return 'DESTINATION_BLOCKED';
      if (policy.allowedCountries.length > 0 && !policy.allowedCountries.includes(country))
        return 'COUNTRY_NOT_ALLOWED';
    }
    const t = code.tenantId;
    const keys: BudgetKey[] = [
      { scope: 'NUMBER', key: `${t}:${this.hasher.hash(code.destination)}`, budget: policy.perNumber },
      { scope: 'USER', key: `${t}:${code.userId}`, budget: policy.perUser },
      ...(code.clientIp
        ? [{ scope: 'IP' as const, key: `${t}:${this.hasher.hash(code.clientIp)}`, budget: policy.perIp }]
        : []),
      { scope: 'TENANT', key: t, budget: policy.perTenant },
      ...(country ? [{ scope: 'COUNTRY' as const, key: `${t}:${country}`, budget: policy.perCountry }] : []),
    ];
    const exhausted = await this.budgets.admit(t, keys, now);
    return exhausted ? BUDGET_REASON[exhausted] : undefined;
  }

  /** A sudden burst to one prefix or country raises one alert per window. */
  private async watchBursts(
    code: CodeToSend,
    policy: DeliveryPolicy,
    e164: string,
    country: string,
    now: Date,
  ): Promise<void> {
    const keys: AlertKey[] = [
      { scope: 'PREFIX', key: `${code.tenantId}:${e164.slice(0, 6)}` },
      ...(country ? [{ scope: 'COUNTRY' as const, key: `${code.tenantId}:${country}` }] : []),
    ];
    const crossed = await this.budgets.observeBurst(code.tenantId, keys, policy.burstAlert, now);
    if (crossed.length === 0) return;
    await this.uow.run(async (tx) => {
      for (const alert of crossed) {
        await tx.events.record({
          type: 'delivery.fraud.alert_raised',
          tenantId: code.tenantId,
          occurredAt: now,
          payload: {
            tenantId: code.tenantId,
            scope: alert.key.scope,
            key: alert.key.key.slice(code.tenantId.length + 1),
            count: alert.count,
            windowSeconds: policy.burstAlert.windowSeconds,
            windowStartTime: { seconds: String(Math.floor(alert.windowStart.getTime() / 1000)), nanos: 0 },
          },
        });
      }
    });
  }

  private async fail(
    code: CodeToSend,
    status: 'FAILED' | 'UNCERTAIN' | 'EXPIRED',
    reason: string,
    lastError: string,
    attempts: number,
  ): Promise<void> {
    const at = this.clock.now();
    await this.uow.run(async (tx) => {
      await tx.messages.finish(code.codeId, status, at, { reason, lastError });
      await tx.events.record({
        type: 'delivery.message.failed',
        tenantId: code.tenantId,
        userId: code.userId,
        occurredAt: at,
        payload: { ...this.ids(code), reason, lastError, attempts },
      });
    });
  }

  private ids(code: CodeToSend) {
    return { tenantId: code.tenantId, userId: code.userId, codeId: code.codeId, channel: code.channel };
  }
}
