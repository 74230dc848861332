import type { MessageProvider, OutgoingMessage, ProviderReceipt } from '../message-provider';
import { type TwilioClient, toProviderError } from '../twilio/twilio-client';

export interface TwilioSmsSettings {
  /** Sender number (E.164) or alphanumeric sender id; unused with a messaging service. */
  readonly from?: string | undefined;
  readonly messagingServiceSid?: string | undefined;
  /** Where Twilio posts status callbacks (delivery's receipts endpoint). */
  readonly statusCallbackUrl?: string | undefined;
}

/** SMS through Twilio's Messages API. */
export class TwilioSmsProvider implements MessageProvider {
  readonly name = 'twilio';
  readonly channel = 'sms' as const;

  constructor(
    private readonly client: TwilioClient,
    private readonly settings: TwilioSmsSettings,
  ) {}

  async send(message: OutgoingMessage): Promise<ProviderReceipt> {
    try {
      const sent = await this.client.messages.create({
        to: message.to,
        body: message.content.text,
        ...(this.settings.messagingServiceSid
          ? { messagingServiceSid: this.settings.messagingServiceSid }
          : { from: this.settings.from ?? '' }),
        ...(this.settings.statusCallbackUrl ? { statusCallback: this.settings.statusCallbackUrl } : {}),
      });
      return { providerMessageId: sent.sid };
    } catch (error) {
      throw toProviderError(error, 'twilio-sms');
    }
  }
}
