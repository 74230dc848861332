import { randomUUID } from 'node:crypto';
import { EnvelopeCipher, generateKeyRingEntry, parseKeyRing } from '@portcullis/crypto';
import { DataSource } from 'typeorm';
import { rotateFactorSecrets } from '../src/persistence/rotate-secrets';
import { FactorsHarness, totpNow } from './factors-harness';

/** TOTP against real PostgreSQL: SECURITY.md 2–5, 17, 19, 24. */
describe('factors: TOTP', () => {
  const h = new FactorsHarness();
  beforeAll(() => h.start());
  afterAll(() => h.stop());

  const begin = (userId: string) =>
    h.client.call('beginEnrollment', {
      tenantId: h.tenantId,
      userId,
      type: 'totp',
      name: 'Phone app',
      accountName: 'jane@example.com',
      destination: '',
      mfaProof: '',
      locale: 'en',
      clientIp: '',
    });

  const challenge = async (userId: string, factorId: string) => {
    const authenticationId = randomUUID();
    const started = await h.client.call('startChallenge', {
      tenantId: h.tenantId,
      userId,
      factorId,
      authenticationId,
      action: '',
      locale: 'en',
      passwordless: false,
      clientIp: '',
    });
    return { challengeId: started.challengeId, authenticationId };
  };

  const verify = (c: { challengeId: string; authenticationId: string }, code: string) =>
    h.client.call('verifyChallenge', { tenantId: h.tenantId, ...c, proof: { code } });

  it('enrols with an otpauth URI and QR code, keeps the seed sealed, and activates with a code', async () => {
    const userId = randomUUID();
    const begun = await begin(userId);
    expect(begun.totp!.otpauthUri).toMatch(/^otpauth:\/\/totp\/Acme%20Bank:jane%40example\.com\?/);
    expect(begun.totp!.otpauthUri).toContain('issuer=Acme%20Bank');
    expect(begun.totp).toMatchObject({ algorithm: 'SHA1', digits: 6, period: 30 });
    expect(begun.totp!.qrCodeDataUrl).toMatch(/^data:image\/png;base64,/);
    // SECURITY.md 4: 160 bits (32 base32 characters), sealed at rest with its key id beside it.
    expect(begun.totp!.secret).toMatch(/^[A-Z2-7]{32}$/);
    h.revealed.add(begun.totp!.secret);
    expect(begun.factor).toMatchObject({ status: 'PENDING', type: 'totp', name: 'Phone app' });
    const [row] = await h.query<{ secret_key_id: string; secret_sealed: string }>(
      'SELECT secret_key_id, secret_sealed FROM factors WHERE id = $1',
      [begun.factor!.id],
    );
    expect(row.secret_key_id).toBe('k1');
    expect(row.secret_sealed).not.toContain(begun.totp!.secret);

    const wrong = await h.failure(
      h.client.call('activateFactor', {
        tenantId: h.tenantId,
        userId,
        enrollmentId: begun.enrollmentId,
        proof: { code: '000000' === totpNow(begun.totp!.secret) ? '111111' : '000000' },
      }),
    );
    expect(wrong.code).toBe('CODE_INVALID');
    expect(wrong.details.attemptsRemaining).toBe(4);

    const activated = await h.client.call('activateFactor', {
      tenantId: h.tenantId,
      userId,
      enrollmentId: begun.enrollmentId,
      proof: { code: totpNow(begun.totp!.secret) },
    });
    expect(activated.factor).toMatchObject({ status: 'ACTIVE', preferred: true, strength: 2 });

    // SECURITY.md 24: the enrolment is single use.
    const again = await h.failure(
      h.client.call('activateFactor', {
        tenantId: h.tenantId,
        userId,
        enrollmentId: begun.enrollmentId,
        proof: { code: totpNow(begun.totp!.secret) },
      }),
    );
    expect(['ENROLLMENT_NOT_FOUND', 'CODE_REUSED']).toContain(again.code);

    // Never returned after enrolment.
    const listed = await h.client.call('listFactors', { tenantId: h.tenantId, userId, includeRemoved: true });
    expect(JSON.stringify(listed)).not.toContain(begun.totp!.secret);
    const events = await h.events({ userId });
    expect(events.map((e) => e.type)).toEqual(
      expect.arrayContaining([
        'factors.enrollment.started',
        'factors.challenge.failed',
        'factors.totp.enrolled',
      ]),
    );
    expect(JSON.stringify(events)).not.toContain(begun.totp!.secret);
  });

  it('accepts a code once: a replay on a new challenge is CODE_REUSED (SECURITY.md 3)', async () => {
    const userId = randomUUID();
    const { factorId, secret } = await h.enrolTotp(userId);
    // The activation used the current step; wait-free: the next step's code is inside the drift window.
    const next = totpNow(secret, new Date(Date.now() + 30_000));
    const first = await verify(await challenge(userId, factorId), next);
    expect(first.amr).toEqual(['otp']);
    const replay = await h.failure(verify(await challenge(userId, factorId), next));
    expect(replay.code).toBe('CODE_REUSED');
  });

  it('of two concurrent submissions of one valid code, exactly one succeeds', async () => {
    const userId = randomUUID();
    const { factorId, secret } = await h.enrolTotp(userId);
    const code = totpNow(secret, new Date(Date.now() + 30_000));
    const [a, b] = await Promise.all([challenge(userId, factorId), challenge(userId, factorId)]);
    const results = await Promise.allSettled([verify(a, code), verify(b, code), verify(a, code)]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
  });

  it('caps consecutive failures even when they arrive in parallel (SECURITY.md 17, CVE-2023-47111)', async () => {
    const userId = randomUUID();
    const { factorId, secret } = await h.enrolTotp(userId);
    const c = await challenge(userId, factorId);
    const good = totpNow(secret, new Date(Date.now() + 30_000));
    const bad = good === '123456' ? '654321' : '123456';
    const results = await Promise.allSettled(Array.from({ length: 20 }, () => verify(c, bad)));
    const codes = results.map((r) => (r.status === 'rejected' ? (r.reason as { code: string }).code : 'OK'));
    expect(codes.filter((x) => x === 'CODE_INVALID')).toHaveLength(5);
    expect(codes.filter((x) => x === 'FACTOR_LOCKED')).toHaveLength(15);
    // Attempt N+1 fails even with the right code, with a retry time.
    const locked = await h.failure(verify(c, good));
    expect(locked.code).toBe('FACTOR_LOCKED');
    expect(locked.details.retryAfterSeconds).toBeGreaterThan(800);
    const [row] = await h.query<{ failed_attempts: number }>(
      'SELECT failed_attempts FROM factors WHERE id = $1',
      [factorId],
    );
    expect(row.failed_attempts).toBe(5);
    expect((await h.events({ type: 'factors.factor.locked', userId })).length).toBe(1);
    // No new challenge (and no code) for a locked factor.
    expect((await h.failure(challenge(userId, factorId))).code).toBe('FACTOR_LOCKED');
  });

  it('binds a verification to its authentication id', async () => {
    const userId = randomUUID();
    const { factorId, secret } = await h.enrolTotp(userId);
    const c = await challenge(userId, factorId);
    const mismatch = await h.failure(
      verify({ challengeId: c.challengeId, authenticationId: 'another-flow' }, totpNow(secret)),
    );
    expect(mismatch.code).toBe('CHALLENGE_MISMATCH');
  });

  it('re-encrypts stored seeds under a new key, which still verify (key rotation)', async () => {
    const userId = randomUUID();
    const { factorId, secret } = await h.enrolTotp(userId);
    const ring = `${h.settings['FACTORS_ENCRYPTION_KEYS']},${generateKeyRingEntry('k2')}`;
    const url = new URL(h.infra.databaseUrl);
    url.pathname = `/${h.database}`;
    const ds = await new DataSource({ type: 'postgres', url: url.toString() }).initialize();
    try {
      const rotated = await rotateFactorSecrets(ds, new EnvelopeCipher(parseKeyRing(ring)), 'k2');
      expect(rotated).toBeGreaterThanOrEqual(1);
    } finally {
      await ds.destroy();
    }
    const [row] = await h.query<{ secret_key_id: string }>(
      'SELECT secret_key_id FROM factors WHERE id = $1',
      [factorId],
    );
    expect(row.secret_key_id).toBe('k2');
    // A service holding only the new key reads it.
    const rotatedService = new FactorsHarness();
    Object.assign(rotatedService, { database: h.database, tenantId: h.tenantId });
    Object.assign(rotatedService.settings, { ...h.settings, FACTORS_ENCRYPTION_KEYS: ring.split(',')[1] });
    await rotatedService.start({ MIGRATE_ON_BOOT: 'false' });
    try {
      await expect(
        rotatedService.proveWithTotp(userId, factorId, secret, new Date(Date.now() + 30_000)),
      ).resolves.toEqual(expect.any(String));
    } finally {
      rotatedService.client.close();
      await rotatedService.service.close();
    }
  });

  it('wrote no seed, code or phone number to its logs, even at trace level (SECURITY.md 4, 30)', () => {
    h.expectNoSecretsLogged();
  });
});
