import { Body, Controller, Headers, HttpCode, Inject, Post, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import twilio from 'twilio';
import { RecordReceiptUseCase } from '../use-cases/record-receipt/record-receipt.use-case';

export const RECEIPTS_SETTINGS = Symbol('RECEIPTS_SETTINGS');

export interface ReceiptsSettings {
  readonly authToken: string | undefined;
  /** Public base URL Twilio calls; the signature covers the full URL. */
  readonly publicUrl: string | undefined;
}

export const TWILIO_RECEIPTS_PATH = '/v1/receipts/twilio';

/**
 * Twilio status callbacks (messages and calls). Only a request whose X-Twilio-Signature matches
 * the account's auth token counts; a forged one gets 403 and changes nothing.
 */
@Controller()
export class TwilioReceiptsController {
  constructor(
    private readonly record: RecordReceiptUseCase,
    @Inject(RECEIPTS_SETTINGS) private readonly settings: ReceiptsSettings,
  ) {}

  @Post(TWILIO_RECEIPTS_PATH)
  @HttpCode(204)
  async receive(
    @Headers('x-twilio-signature') signature: string | undefined,
    @Body() body: unknown,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<void> {
    const params = (body && typeof body === 'object' ? body : {}) as Record<string, string>;
    const url = this.settings.publicUrl
      ? `${this.settings.publicUrl.replace(/\/$/, '')}${request.url}`
      : `${request.protocol}://${request.headers.host ?? ''}${request.url}`;
    if (
      !this.settings.authToken ||
      !signature ||
      !twilio.validateRequest(this.settings.authToken, signature, url, params)
    ) {
      void reply.code(403).send({ code: 'SIGNATURE_INVALID', detail: 'X-Twilio-Signature does not match' });
      return;
    }
    await this.record.execute({
      provider: 'twilio',
      providerMessageId: params['MessageSid'] ?? params['CallSid'] ?? '',
      status: params['MessageStatus'] ?? params['CallStatus'] ?? '',
      errorCode: params['ErrorCode'] ?? '',
      price: params['Price'] ?? '',
      priceUnit: params['PriceUnit'] ?? '',
    });
  }
}
