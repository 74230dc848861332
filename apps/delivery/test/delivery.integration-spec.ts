import { createHmac, randomUUID } from 'node:crypto';
import { deadLetterTopicOf, TOPICS } from '@portcullis/contracts';
import { eventually, kafkaProbe } from '@portcullis/testing';
import twilio from 'twilio';
import { DeliveryHarness } from './delivery-harness';

/** Delivery against real Kafka and PostgreSQL, the real twilio SDK and nodemailer on stand-ins. */
describe('delivery: exactly one message per code, failover, receipts', () => {
  const h = new DeliveryHarness();
  beforeAll(() => h.start());
  afterAll(() => h.stop());

  const status = async (codeId: string, expected: string | RegExp) =>
    eventually(async () => {
      const message = await h.message(codeId);
      expect(message?.['status']).toMatch(expected);
      return message!;
    });

  it('sends an SMS through Twilio from the code event, in the user’s language, with a status callback', async () => {
    const { message, codeId, code } = h.codeEvent({ locale: 'fr', destination: '+447911000001' });
    await h.publish(message);
    await status(codeId, 'SENT');
    const [sent] = h.twilio.sentTo('+447911000001');
    expect(sent).toMatchObject({ kind: 'message', accountSid: h.accountSid, username: h.accountSid });
    expect(sent.params['Body']).toBe(
      `${code} est votre code de vérification Portcullis. Il expire dans 5 minutes. Ne le partagez jamais.`,
    );
    expect(sent.params['From']).toBe('+15005550006');
    expect(sent.params['StatusCallback']).toBe(`${h.httpUrl}/v1/receipts/twilio`);
    const events = await h.events('delivery.message.sent');
    expect(events.find((e) => e.payload['codeId'] === codeId)?.payload).toMatchObject({
      provider: 'twilio',
      channel: 'sms',
      country: 'GB',
      destinationHint: '+44********01',
    });
  });

  it('sends one message for a redelivered event and for a second event of the same code', async () => {
    const first = h.codeEvent({ destination: '+447911000002' });
    const again = h.codeEvent({ destination: '+447911000002', codeId: first.codeId, code: first.code });
    await h.publish(first.message, first.message, again.message);
    await status(first.codeId, 'SENT');
    // A later marker on the same key proves the duplicates behind it were consumed.
    const marker = h.codeEvent({ destination: '+447911000003', userId: first.userId });
    await h.publish(marker.message);
    await status(marker.codeId, 'SENT');
    expect(h.twilio.sentTo('+447911000002')).toHaveLength(1);
  });

  it('of concurrent deliveries of one code, exactly one reaches the provider', async () => {
    const { toSend } = h.codeEvent({ destination: '+447911000004' });
    const outcomes = await Promise.all(Array.from({ length: 8 }, () => h.deliver.execute(toSend)));
    expect(outcomes.filter((o) => o.status === 'SENT')).toHaveLength(1);
    expect(h.twilio.sentTo('+447911000004')).toHaveLength(1);
  });

  it('after a crash between "recorded" and "sent", never sends again: UNCERTAIN and a failure event', async () => {
    const { toSend, message, codeId } = h.codeEvent({ destination: '+447911000005' });
    // What a process killed mid-call leaves behind: the claim, no outcome.
    await h.query(
      `INSERT INTO messages (code_id, tenant_id, user_id, channel, status, provider, attempts, created_at, updated_at)
       VALUES ($1, $2, $3, 'sms', 'SENDING', 'twilio', 1, now(), now())`,
      [codeId, toSend.tenantId, toSend.userId],
    );
    await h.publish(message);
    const row = await status(codeId, 'UNCERTAIN');
    expect(row['reason']).toBe('OUTCOME_UNKNOWN');
    expect(h.twilio.sentTo('+447911000005')).toHaveLength(0);
    await eventually(async () =>
      expect((await h.events('delivery.message.failed')).some((e) => e.payload['codeId'] === codeId)).toBe(
        true,
      ),
    );
  });

  it('retries a 429 on the same provider, fails over on 5xx and on a timeout, and not on an invalid number', async () => {
    const limited = h.codeEvent({ destination: '+447911000006' });
    h.twilio.answerNext({ status: 429 });
    await expect(h.deliver.execute(limited.toSend)).resolves.toMatchObject({
      status: 'SENT',
      provider: 'twilio',
    });
    expect(h.twilio.sentTo('+447911000006')).toHaveLength(1);

    const broken = h.codeEvent({ destination: '+447911000007' });
    h.twilio.answerNext({ status: 503 }, { status: 503 }, { status: 503 });
    // 503 means "not taken": retried, then failed over once the retries are spent.
    await expect(h.deliver.execute(broken.toSend)).resolves.toMatchObject({
      status: 'SENT',
      provider: 'webhook',
    });
    const viaWebhook = h.webhook.calls.find((c) => c.body['to'] === '+447911000007');
    expect(viaWebhook?.headers['idempotency-key']).toBe(broken.codeId);
    const [timestamp, signature] = [
      viaWebhook!.headers['x-portcullis-timestamp'],
      viaWebhook!.headers['x-portcullis-signature'],
    ];
    expect(signature).toBe(
      `sha256=${createHmac('sha256', h.config.SMS_WEBHOOK_SECRET!).update(`${timestamp}.${viaWebhook!.raw}`).digest('hex')}`,
    );

    const crashed = h.codeEvent({ destination: '+447911000008' });
    h.twilio.answerNext({ status: 500 });
    await expect(h.deliver.execute(crashed.toSend)).resolves.toMatchObject({
      status: 'SENT',
      provider: 'webhook',
    });
    // A 500 may have been taken: never resent on Twilio.
    expect(h.twilio.rejected.filter((r) => r.params['To'] === '+447911000008')).toHaveLength(1);

    const slow = h.codeEvent({ destination: '+447911000009' });
    h.twilio.answerNext({ delayMs: 1500 });
    await expect(h.deliver.execute(slow.toSend)).resolves.toMatchObject({
      status: 'SENT',
      provider: 'webhook',
    });
    expect(h.twilio.sentTo('+447911000009')).toHaveLength(0);

    const invalid = h.codeEvent({ destination: '+447911000010' });
    h.twilio.answerNext({
      status: 400,
      code: 21211,
      message: "The 'To' number is not a valid phone number.",
    });
    await expect(h.deliver.execute(invalid.toSend)).resolves.toMatchObject({
      status: 'FAILED',
      reason: 'INVALID_DESTINATION',
    });
    expect(h.webhook.calls.filter((c) => c.body['to'] === '+447911000010')).toHaveLength(0);
  });

  it('when every provider fails: a failure event the flow can show, and the event parked on the dead-letter topic', async () => {
    const doomed = h.codeEvent({ destination: '+447911000011' });
    h.twilio.answerNext({ status: 502 });
    h.webhook.answerNext(502);
    const dlq = await kafkaProbe(h.infra.kafkaBrokers, [
      deadLetterTopicOf(TOPICS.factorCodes, h.config.DELIVERY_CONSUMER_GROUP),
    ]);
    await h.publish(doomed.message);
    const row = await status(doomed.codeId, 'FAILED');
    try {
      const parked = await eventually(() => {
        const found = dlq.received.find((m) => m.headers['event-id'] === doomed.message.headers['event-id']);
        expect(found).toBeDefined();
        return found!;
      });
      expect(parked.headers['dlq-reason']).toBe('every provider failed');
    } finally {
      await dlq.stop();
    }
    expect(row['reason']).toBe('PROVIDERS_FAILED');
    expect(row['tried_providers']).toEqual(['twilio', 'webhook']);
    await eventually(async () =>
      expect(
        (await h.events('delivery.message.failed')).find((e) => e.payload['codeId'] === doomed.codeId)
          ?.payload,
      ).toMatchObject({
        reason: 'PROVIDERS_FAILED',
        attempts: 2,
      }),
    );
  });

  it('calls with TwiML that reads the code digit by digit, twice; emails carry text and HTML parts', async () => {
    const call = h.codeEvent({
      channel: 'voice',
      destination: '+447911000012',
      code: '482915',
      locale: 'de',
    });
    await expect(h.deliver.execute(call.toSend)).resolves.toMatchObject({ status: 'SENT' });
    const twiml = h.twilio.sentTo('+447911000012')[0].params['Twiml'];
    expect(twiml.match(/4, 8, 2, 9, 1, 5/g)).toHaveLength(2);
    expect(twiml).toContain('language="de-DE"');

    const mail = h.codeEvent({
      channel: 'email',
      destination: 'jane@example.com',
      code: '731904',
      locale: 'es',
      action: 'Pagar 20 EUR',
    });
    await expect(h.deliver.execute(mail.toSend)).resolves.toMatchObject({ status: 'SENT', provider: 'smtp' });
    const received = await eventually(() => {
      const found = h.smtp.mails.find((m) => m.headers.get('x-portcullis-code-id') === mail.codeId);
      expect(found).toBeDefined();
      return found!;
    });
    expect(received.subject).toBe('Tu código de verificación de Portcullis');
    expect(received.text).toContain('731904');
    expect(received.text).toContain('Pagar 20 EUR');
    expect(received.html).toContain('<strong');
  });

  it('records a Twilio receipt with a valid signature, with its price; refuses a forged one', async () => {
    const { toSend, codeId } = h.codeEvent({ destination: '+447911000013' });
    await h.deliver.execute(toSend);
    const sid = h.twilio.sentTo('+447911000013')[0].sid;
    const url = `${h.httpUrl}/v1/receipts/twilio`;
    const params = {
      MessageSid: sid,
      MessageStatus: 'delivered',
      AccountSid: h.accountSid,
      Price: '-0.0400',
      PriceUnit: 'GBP',
    };
    const post = (signature: string, body = params) =>
      fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature },
        body: new URLSearchParams(body).toString(),
      });
    const forged = await post(
      twilio.getExpectedTwilioSignature('wrong-token-wrong-token-wrong-tok', url, params),
    );
    expect(forged.status).toBe(403);
    expect((await h.message(codeId))?.['status']).toBe('SENT');
    const tampered = await post(twilio.getExpectedTwilioSignature(h.authToken, url, params), {
      ...params,
      Price: '0',
    });
    expect(tampered.status).toBe(403);

    const valid = await post(twilio.getExpectedTwilioSignature(h.authToken, url, params));
    expect(valid.status).toBe(204);
    expect(await h.message(codeId)).toMatchObject({
      status: 'DELIVERED',
      price: '-0.0400',
      price_unit: 'GBP',
    });
    expect(
      (await h.events('delivery.message.delivered')).find((e) => e.payload['codeId'] === codeId)?.payload,
    ).toMatchObject({
      price: '-0.0400',
      priceUnit: 'GBP',
      provider: 'twilio',
    });
  });

  it('drops an expired code instead of sending it', async () => {
    const stale = h.codeEvent({ destination: '+447911000014', expiresAt: new Date(Date.now() - 1000) });
    await expect(h.deliver.execute(stale.toSend)).resolves.toMatchObject({ status: 'EXPIRED' });
    expect(h.twilio.sentTo('+447911000014')).toHaveLength(0);
  });

  it('writes no code and no full destination to its logs (SECURITY.md 30)', () => {
    expect(h.logs.length).toBeGreaterThan(0);
    expect(h.leakedSecrets()).toEqual([]);
  });

  it('ignores a code it cannot open (another key), parking it without a send', async () => {
    const foreign = new DeliveryHarness().codeEvent({ destination: '+447911000015' });
    const marker = h.codeEvent({ destination: '+447911000016', userId: foreign.userId });
    await h.publish(foreign.message, marker.message);
    await status(marker.codeId, 'SENT');
    expect(await h.message(foreign.codeId)).toBeUndefined();
    expect(h.twilio.sentTo('+447911000015')).toHaveLength(0);
  });

  void randomUUID;
});
