import type { Channel, RenderedMessage } from '../domain/templates';

export interface OutgoingMessage {
  readonly codeId: string;
  readonly tenantId: string;
  readonly channel: Channel;
  /** E.164 phone number or email address. */
  readonly to: string;
  readonly content: RenderedMessage;
}

export interface ProviderReceipt {
  readonly providerMessageId: string;
}

/**
 * How a provider failure may be handled without risking a second paid message:
 * - RETRY: the provider certainly did not take it (429, 503, connection refused): retry, same provider;
 * - FAILOVER: the provider failed or may have failed (5xx, timeout): never again on this provider,
 *   try the next one;
 * - PERMANENT: the message itself is wrong (invalid number): no provider will do better.
 */
export type FailureHandling = 'RETRY' | 'FAILOVER' | 'PERMANENT';

export class ProviderError extends Error {
  constructor(
    readonly handling: FailureHandling,
    /** Safe to log and to put in events: no code, no destination. */
    readonly summary: string,
    readonly retryAfterMs?: number,
  ) {
    super(summary);
    this.name = 'ProviderError';
  }
}

/** One way to send on one channel (STYLE.md 7): Twilio SMS, Twilio voice, SMTP, a webhook. */
export interface MessageProvider {
  readonly name: string;
  readonly channel: Channel;
  send(message: OutgoingMessage): Promise<ProviderReceipt>;
}

/**
 * Maps an HTTP status from a provider to its handling: 429 and 503 say the request was not
 * processed (safe to repeat); other 5xx may hide a message that went out.
 */
export function handlingOfStatus(status: number): FailureHandling {
  if (status === 429 || status === 503) return 'RETRY';
  // The provider refused us (credentials, account), not the message: another provider may not.
  if (status === 401 || status === 403) return 'FAILOVER';
  if (status >= 500) return 'FAILOVER';
  return 'PERMANENT';
}

/** Network errors that prove the request never reached the provider. */
export function isNotSent(error: unknown): boolean {
  const code = (error as { code?: string } | undefined)?.code;
  return code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'EAI_AGAIN';
}
