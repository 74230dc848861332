import { randomUUID } from 'node:crypto';
import { TOPICS } from '@portcullis/contracts';
import { ConfigResourceTypes, Kafka, logLevel } from 'kafkajs';
import { FactorsHarness } from './factors-harness';

/** SMS, voice and email codes against real PostgreSQL: SECURITY.md 6, 7, 17, 24, 30. */
describe('factors: SMS, voice and email codes', () => {
  const h = new FactorsHarness();
  beforeAll(() => h.start());
  afterAll(() => h.stop());

  const begin = (userId: string, type: string, destination: string) =>
    h.client.call('beginEnrollment', {
      tenantId: h.tenantId,
      userId,
      type,
      name: '',
      accountName: 'jane',
      destination,
      mfaProof: '',
      locale: 'fr',
      clientIp: '',
    });

  const activate = (userId: string, enrollmentId: string, code: string) =>
    h.client.call('activateFactor', { tenantId: h.tenantId, userId, enrollmentId, proof: { code } });

  async function enrolSms(userId: string) {
    const begun = await begin(userId, 'sms_otp', '+44 7911 123456');
    const { code } = await h.lastCode(userId);
    await activate(userId, begun.enrollmentId, code);
    return begun.factor!.id;
  }

  const challenge = async (userId: string, factorId: string) => {
    const authenticationId = randomUUID();
    const started = await h.client.call('startChallenge', {
      tenantId: h.tenantId,
      userId,
      factorId,
      authenticationId,
      action: 'Pay 120.00 EUR to ACME',
      locale: 'de',
      passwordless: false,
      clientIp: '',
    });
    return { challengeId: started.challengeId, authenticationId, started };
  };
  const verify = (c: { challengeId: string; authenticationId: string }, code: string) =>
    h.client.call('verifyChallenge', {
      tenantId: h.tenantId,
      challengeId: c.challengeId,
      authenticationId: c.authenticationId,
      proof: { code },
    });

  it('normalises the phone number, sends a sealed 6-digit code by event, and stores only its keyed hash', async () => {
    const userId = randomUUID();
    const begun = await begin(userId, 'sms_otp', '+44 7911 123456');
    expect(begun.outOfBand).toEqual({ channel: 'sms', destinationHint: '+44********56' });
    expect(begun.factor).toMatchObject({ status: 'PENDING', destinationHint: '+44********56', strength: 1 });
    const sent = await h.lastCode(userId);
    expect(sent).toMatchObject({ channel: 'sms', destination: '+447911123456', codeId: begun.enrollmentId });
    expect(sent.code).toMatch(/^\d{6}$/);
    // Valid at most 10 minutes (default 5).
    const ttl = Number(begun.expireTime!.seconds) * 1000 - Date.now();
    expect(ttl).toBeGreaterThan(250_000);
    expect(ttl).toBeLessThanOrEqual(300_000);

    const [row] = await h.query<{ code_hash: string }>('SELECT code_hash FROM challenges WHERE id = $1', [
      begun.enrollmentId,
    ]);
    expect(row.code_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(row.code_hash).not.toContain(sent.code);
    const [factor] = await h.query<Record<string, unknown>>('SELECT * FROM factors WHERE id = $1', [
      begun.factor!.id,
    ]);
    expect(JSON.stringify(factor)).not.toContain('7911123456');

    // The code travels on the codes topic only; no domain event carries it or the full number.
    const issued = await h.events({ type: 'factors.code.issued', userId });
    expect(issued[0].topic).toBe(TOPICS.factorCodes);
    const domain = (await h.events({ userId })).filter((e) => e.type !== 'factors.code.issued');
    expect(domain.every((e) => e.topic === TOPICS.factorsEvents)).toBe(true);
    expect(JSON.stringify(domain)).not.toContain(sent.code);
    expect(JSON.stringify(domain)).not.toContain('7911123456');
    expect(JSON.stringify(issued)).not.toContain('7911123456');

    const activated = await activate(userId, begun.enrollmentId, sent.code);
    expect(activated.factor).toMatchObject({ status: 'ACTIVE', type: 'sms_otp' });
    expect((await h.events({ type: 'factors.sms_otp.enrolled', userId })).length).toBe(1);
  });

  it('keeps sealed codes on their topic for a day at most', async () => {
    const kafka = new Kafka({ brokers: h.infra.kafkaBrokers, logLevel: logLevel.NOTHING });
    const admin = kafka.admin();
    await admin.connect();
    try {
      const described = await admin.describeConfigs({
        includeSynonyms: false,
        resources: [
          { type: ConfigResourceTypes.TOPIC, name: TOPICS.factorCodes, configNames: ['retention.ms'] },
        ],
      });
      expect(described.resources[0].configEntries[0]).toMatchObject({ configValue: '86400000' });
    } finally {
      await admin.disconnect();
    }
  });

  it('refuses a destination that is not a phone number or email address, changing nothing', async () => {
    const userId = randomUUID();
    for (const [type, bad] of [
      ['sms_otp', '12'],
      ['voice_otp', 'call me'],
      ['email_otp', 'not-an-email'],
    ] as const) {
      expect((await h.failure(begin(userId, type, bad))).code).toBe('DESTINATION_REQUIRED');
    }
    expect(await h.query('SELECT 1 FROM factors WHERE user_id = $1', [userId])).toHaveLength(0);
  });

  it('enrols voice and email with the same code path', async () => {
    const userId = randomUUID();
    const voice = await begin(userId, 'voice_otp', '+33612345678');
    expect((await h.lastCode(userId)).channel).toBe('voice');
    await activate(userId, voice.enrollmentId, (await h.lastCode(userId)).code);
    const email = await h.client.call('beginEnrollment', {
      tenantId: h.tenantId,
      userId,
      type: 'email_otp',
      name: '',
      accountName: 'jane',
      destination: 'Jane.Doe@Example.com',
      // The user now has a factor: adding another needs a recent MFA (SECURITY.md 25).
      mfaProof: await (async () => {
        const c = await challenge(userId, voice.factor!.id);
        await verify(c, (await h.lastCode(userId)).code);
        return c.challengeId;
      })(),
      locale: 'pt',
      clientIp: '',
    });
    expect(email.outOfBand).toEqual({ channel: 'email', destinationHint: 'j***@example.com' });
    const sent = await h.lastCode(userId);
    expect(sent).toMatchObject({ channel: 'email', destination: 'jane.doe@example.com' });
    await activate(userId, email.enrollmentId, sent.code);
  });

  it('binds a code to its challenge, carries the step-up action, and accepts it once', async () => {
    const userId = randomUUID();
    const factorId = await enrolSms(userId);
    const a = await challenge(userId, factorId);
    const codeA = (await h.lastCode(userId)).code;
    const issued = (await h.events({ type: 'factors.code.issued', userId })).at(-1)!;
    expect(issued.payload).toMatchObject({
      action: 'Pay 120.00 EUR to ACME',
      locale: 'de',
      purpose: 'AUTHENTICATION',
    });
    const b = await challenge(userId, factorId);
    const codeB = (await h.lastCode(userId)).code;
    if (codeA !== codeB) expect((await h.failure(verify(b, codeA))).code).toBe('CODE_INVALID');
    await expect(verify(b, codeB)).resolves.toMatchObject({ userId, amr: ['sms', 'otp'] });
    expect((await h.failure(verify(b, codeB))).code).toBe('CODE_REUSED');
    // A's code still answers A alone.
    await expect(verify(a, codeA)).resolves.toMatchObject({ userId });
  });

  it('expires codes', async () => {
    const userId = randomUUID();
    const factorId = await enrolSms(userId);
    const c = await challenge(userId, factorId);
    const { code } = await h.lastCode(userId);
    await h.query(`UPDATE challenges SET expires_at = now() - interval '1 second' WHERE id = $1`, [
      c.challengeId,
    ]);
    expect((await h.failure(verify(c, code))).code).toBe('CODE_EXPIRED');
  });

  it('does not reset the failure counter when a new code is sent (SECURITY.md 7)', async () => {
    const userId = randomUUID();
    const factorId = await enrolSms(userId);
    const first = await challenge(userId, factorId);
    const wrong = (code: string) => (code === '000000' ? '000001' : '000000');
    for (let i = 0; i < 3; i++) await h.failure(verify(first, wrong((await h.lastCode(userId)).code)));
    const second = await challenge(userId, factorId);
    const { code } = await h.lastCode(userId);
    const fourth = await h.failure(verify(second, wrong(code)));
    expect(fourth.details.attemptsRemaining).toBe(1);
    await h.failure(verify(second, wrong(code)));
    expect((await h.failure(verify(second, code))).code).toBe('FACTOR_LOCKED');
  });

  it('enforces the policy: codes of the configured length, at most 10 minutes, types allowed', async () => {
    const tooLong = await h.failure(h.setPolicy({ codeTtlSeconds: 601 }));
    expect(tooLong.code).toBe('VALIDATION_FAILED');
    await h.setPolicy({ codeLength: 8, codeTtlSeconds: 120, allowedTypes: ['sms_otp', 'totp'] });
    try {
      const userId = randomUUID();
      await begin(userId, 'sms_otp', '+14155550123');
      expect((await h.lastCode(userId)).code).toMatch(/^\d{8}$/);
      expect((await h.failure(begin(randomUUID(), 'email_otp', 'a@example.com'))).code).toBe(
        'FACTOR_TYPE_NOT_ALLOWED',
      );
    } finally {
      await h.setPolicy({});
    }
  });

  it('wrote no seed, code or phone number to its logs, even at trace level (SECURITY.md 4, 30)', () => {
    h.expectNoSecretsLogged();
  });
});
