import twilio from 'twilio';
import { handlingOfStatus, isNotSent, ProviderError } from '../message-provider';

export interface TwilioSettings {
  readonly accountSid: string;
  readonly authToken: string;
  /** Base URL of Twilio's REST API; a local stand-in in tests. */
  readonly apiBaseUrl?: string | undefined;
  readonly timeoutMs: number;
}

export type TwilioClient = ReturnType<typeof twilio>;

/** The real twilio SDK, without its own retries (delivery decides what is safe to retry). */
export function createTwilioClient(settings: TwilioSettings): TwilioClient {
  const client = twilio(settings.accountSid, settings.authToken, {
    autoRetry: false,
    timeout: settings.timeoutMs,
    keepAlive: true,
  });
  if (settings.apiBaseUrl) client.api.baseUrl = settings.apiBaseUrl;
  return client;
}

/** Twilio's REST errors → how delivery may handle them (never with the message's content). */
export function toProviderError(error: unknown, provider: string): ProviderError {
  const e = error as { status?: number; code?: number | string; message?: string };
  if (typeof e.status === 'number') {
    // 21211 invalid 'To', 21614 not a mobile number, 21408 region not enabled: the same for all.
    return new ProviderError(
      handlingOfStatus(e.status),
      `${provider}: HTTP ${e.status} (Twilio error ${String(e.code ?? '-')})`,
    );
  }
  if (isNotSent(error)) return new ProviderError('RETRY', `${provider}: ${String(e.code)}`);
  // Timeouts and resets: the request may have been taken; never resend on this provider.
  return new ProviderError('FAILOVER', `${provider}: ${String(e.code ?? 'network error')}`);
}
