import { createTransport, type Transporter } from 'nodemailer';
import {
  isNotSent,
  type MessageProvider,
  type OutgoingMessage,
  ProviderError,
  type ProviderReceipt,
} from '../message-provider';

export interface SmtpSettings {
  /** smtp://user:pass@host:port or smtps://… */
  readonly url: string;
  readonly from: string;
  readonly timeoutMs: number;
}

/** Email over SMTP with nodemailer: a text part and an HTML part. */
export class SmtpEmailProvider implements MessageProvider {
  readonly name = 'smtp';
  readonly channel = 'email' as const;
  private readonly transport: Transporter;

  constructor(private readonly settings: SmtpSettings) {
    const url = new URL(settings.url);
    this.transport = createTransport({
      host: url.hostname,
      port: Number(url.port || (url.protocol === 'smtps:' ? 465 : 587)),
      secure: url.protocol === 'smtps:',
      ...(url.username
        ? { auth: { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) } }
        : {}),
      // Plain SMTP on a local relay (tests, a sidecar) needs no STARTTLS; remote relays use smtps.
      ignoreTLS: url.searchParams.get('tls') === 'off',
      connectionTimeout: settings.timeoutMs,
      greetingTimeout: settings.timeoutMs,
      socketTimeout: settings.timeoutMs,
    });
  }

  async send(message: OutgoingMessage): Promise<ProviderReceipt> {
    try {
      const info = await this.transport.sendMail({
        from: this.settings.from,
        to: message.to,
        subject: message.content.subject ?? '',
        text: message.content.text,
        ...(message.content.html ? { html: message.content.html } : {}),
        headers: { 'X-Portcullis-Code-Id': message.codeId },
      });
      return { providerMessageId: String(info.messageId) };
    } catch (error) {
      const e = error as { responseCode?: number; code?: string };
      if (isNotSent(error)) throw new ProviderError('RETRY', `smtp: ${String(e.code)}`);
      if (typeof e.responseCode === 'number') {
        // 4xx: temporary, the server did not take it; 5xx: permanent (e.g. unknown mailbox).
        throw new ProviderError(e.responseCode < 500 ? 'RETRY' : 'PERMANENT', `smtp: ${e.responseCode}`);
      }
      throw new ProviderError('FAILOVER', `smtp: ${String(e.code ?? 'error')}`);
    }
  }

  close(): void {
    this.transport.close();
  }
}
