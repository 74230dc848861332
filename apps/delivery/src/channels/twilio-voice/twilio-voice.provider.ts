import type { MessageProvider, OutgoingMessage, ProviderReceipt } from '../message-provider';
import { type TwilioClient, toProviderError } from '../twilio/twilio-client';

export interface TwilioVoiceSettings {
  readonly from: string;
  readonly statusCallbackUrl?: string | undefined;
}

/** A call that reads the code digit by digit, twice (TwiML inline, no fetch back to us). */
export class TwilioVoiceProvider implements MessageProvider {
  readonly name = 'twilio';
  readonly channel = 'voice' as const;

  constructor(
    private readonly client: TwilioClient,
    private readonly settings: TwilioVoiceSettings,
  ) {}

  async send(message: OutgoingMessage): Promise<ProviderReceipt> {
    try {
      const call = await this.client.calls.create({
        to: message.to,
        from: this.settings.from,
        twiml: message.content.twiml ?? `<Response><Say>${message.content.text}</Say></Response>`,
        ...(this.settings.statusCallbackUrl
          ? { statusCallback: this.settings.statusCallbackUrl, statusCallbackEvent: ['completed'] }
          : {}),
      });
      return { providerMessageId: call.sid };
    } catch (error) {
      throw toProviderError(error, 'twilio-voice');
    }
  }
}
