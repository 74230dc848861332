import { randomUUID } from 'node:crypto';
import { eventually } from '@portcullis/testing';
import { SliceStack } from '../src';

/**
 * Codes from the factors flow reach the Twilio and SMTP stand-ins through delivery, exactly once
 * per code: gateway → factors (outbox) → Kafka → delivery (twilio SDK, nodemailer) → stand-ins.
 */
describe('code delivery: from a challenge to the phone and the mailbox', () => {
  const stack = new SliceStack({ delivery: true });
  let tenantId: string;

  beforeAll(async () => {
    await stack.start();
    tenantId = await stack.createTenant('Harbour Bank');
  });

  afterAll(() => stack.stop());

  const smsTo = (to: string) =>
    stack.twilio.requests.filter((r) => r.kind === 'message' && r.params['To'] === to);

  it('sends one SMS per code, in the user’s language, whose code verifies', async () => {
    const created = await stack.http('POST', '/v1/users', {
      tenantId,
      externalId: `sms-${randomUUID()}`,
      phoneNumber: '+44 7911 123456',
      email: 'kim@example.com',
    });
    const userId = created.json['user'].id as string;
    const begun = await stack.http('POST', `/v1/users/${userId}/factors`, {
      tenantId,
      type: 'sms_otp',
      locale: 'pt',
    });
    expect(begun.status).toBe(201);
    const enrolment = await eventually(() => {
      expect(smsTo('+447911123456')).toHaveLength(1);
      return smsTo('+447911123456')[0];
    });
    // The tenant's name came to delivery through identity.tenant.created.
    const body = enrolment.params['Body'];
    expect(body).toMatch(/^\d{6} é o seu código de verificação (Harbour Bank|Portcullis)\./);
    const code = body.slice(0, 6);
    const activated = await stack.http(
      'POST',
      `/v1/users/${userId}/enrollments/${begun.json['enrollmentId']}/activate`,
      {
        tenantId,
        proof: { code },
      },
    );
    expect(activated.status).toBe(200);

    const authenticationId = randomUUID();
    const started = await stack.http('POST', '/v1/challenges', {
      tenantId,
      userId,
      factorId: activated.json['factor'].id,
      authenticationId,
      action: 'Transfer 250.00 GBP',
    });
    const challenge = await eventually(() => {
      expect(smsTo('+447911123456')).toHaveLength(2);
      return smsTo('+447911123456')[1];
    });
    expect(challenge.params['Body']).toContain('Transfer 250.00 GBP');
    const verified = await stack.http('POST', `/v1/challenges/${started.json['challengeId']}/verify`, {
      tenantId,
      authenticationId,
      proof: { code: challenge.params['Body'].slice(0, 6) },
    });
    expect(verified.status).toBe(200);

    // Delivery's events reach the audit log; still exactly two messages.
    await eventually(
      async () => {
        const page = await stack.http(
          'GET',
          `/v1/audit/events?tenantId=${tenantId}&userId=${userId}&type=delivery.message.sent`,
        );
        expect(page.json['events']).toHaveLength(2);
      },
      { timeoutMs: 90_000 },
    );
    expect(smsTo('+447911123456')).toHaveLength(2);
  }, 180_000);

  it('sends an email code through SMTP with text and HTML parts', async () => {
    const created = await stack.http('POST', '/v1/users', {
      tenantId,
      externalId: `mail-${randomUUID()}`,
      email: 'Robin@Example.com',
    });
    const userId = created.json['user'].id as string;
    const begun = await stack.http('POST', `/v1/users/${userId}/factors`, { tenantId, type: 'email_otp' });
    expect(begun.status).toBe(201);
    const mail = await eventually(() => {
      const found = stack.smtp.mails.filter(
        (m) => m.headers.get('x-portcullis-code-id') === begun.json['enrollmentId'],
      );
      expect(found).toHaveLength(1);
      return found[0];
    });
    expect(mail.to && 'text' in mail.to ? mail.to.text : '').toBe('robin@example.com');
    const code = /\b(\d{6})\b/.exec(mail.text ?? '')![1];
    expect(mail.html).toContain(code);
    const activated = await stack.http(
      'POST',
      `/v1/users/${userId}/enrollments/${begun.json['enrollmentId']}/activate`,
      {
        tenantId,
        proof: { code },
      },
    );
    expect(activated.status).toBe(200);
  });
});
