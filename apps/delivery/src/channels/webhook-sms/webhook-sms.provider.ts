import { signWebhook } from '@portcullis/crypto';
import {
  handlingOfStatus,
  isNotSent,
  type MessageProvider,
  type OutgoingMessage,
  ProviderError,
  type ProviderReceipt,
} from '../message-provider';

export interface WebhookSettings {
  readonly url: string;
  /** Signs each request: `X-Portcullis-Signature: sha256=<hex HMAC of timestamp.body>`. */
  readonly secret: string;
  readonly timeoutMs: number;
}

/**
 * A tenant's own SMS gateway over HTTPS: a JSON POST, signed, with an idempotency key (the code
 * id) so the gateway can drop a duplicate of its own.
 */
export class WebhookSmsProvider implements MessageProvider {
  readonly name = 'webhook';
  readonly channel = 'sms' as const;

  constructor(private readonly settings: WebhookSettings) {}

  async send(message: OutgoingMessage): Promise<ProviderReceipt> {
    const body = JSON.stringify({
      id: message.codeId,
      tenantId: message.tenantId,
      to: message.to,
      text: message.content.text,
    });
    let response: Response;
    try {
      response = await fetch(this.settings.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'idempotency-key': message.codeId,
          ...signWebhook(this.settings.secret, body),
        },
        body,
        signal: AbortSignal.timeout(this.settings.timeoutMs),
      });
    } catch (error) {
      const cause = (error as { cause?: unknown }).cause;
      if (isNotSent(cause))
        throw new ProviderError('RETRY', `webhook: ${String((cause as { code?: string }).code)}`);
      throw new ProviderError('FAILOVER', 'webhook: timeout or network error');
    }
    if (!response.ok)
      throw new ProviderError(handlingOfStatus(response.status), `webhook: HTTP ${response.status}`);
    const answer = (await response.json().catch(() => ({}))) as { id?: unknown };
    return { providerMessageId: typeof answer.id === 'string' ? answer.id : message.codeId };
  }
}
