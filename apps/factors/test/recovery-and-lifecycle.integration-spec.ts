import { randomUUID } from 'node:crypto';
import { FactorsHarness } from './factors-harness';

/** Recovery codes and factor lifecycle: SECURITY.md 11, 19, 24, 25. */
describe('factors: recovery codes and lifecycle', () => {
  const h = new FactorsHarness();
  beforeAll(() => h.start());
  afterAll(() => h.stop());

  const beginRecovery = (userId: string, mfaProof: string) =>
    h.client.call('beginEnrollment', {
      tenantId: h.tenantId,
      userId,
      type: 'recovery_codes',
      name: '',
      accountName: 'jane',
      destination: '',
      mfaProof,
      locale: 'en',
      clientIp: '',
    });

  const useCode = async (userId: string, factorId: string, code: string) => {
    const authenticationId = randomUUID();
    const { challengeId } = await h.client.call('startChallenge', {
      tenantId: h.tenantId,
      userId,
      factorId,
      authenticationId,
      action: '',
      locale: 'en',
      passwordless: false,
      clientIp: '',
    });
    return h.client.call('verifyChallenge', {
      tenantId: h.tenantId,
      challengeId,
      authenticationId,
      proof: { code },
    });
  };

  const later = (seconds: number) => new Date(Date.now() + seconds * 1000);

  it('generates ten 80-bit codes shown once, stored hashed, each usable once, and notifies on use (SECURITY.md 11)', async () => {
    const userId = randomUUID();
    const set = await beginRecovery(userId, '');
    const codes = set.recoveryCodes!.codes;
    for (const code of codes) h.revealed.add(code).add(code.replace(/-/g, ''));
    expect(codes).toHaveLength(10);
    for (const code of codes) expect(code).toMatch(/^[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){3}$/);
    expect(new Set(codes).size).toBe(10);
    expect(set.factor).toMatchObject({ status: 'ACTIVE', recoveryCodesRemaining: 10 });
    const stored = await h.query<{ code_hash: string }>(
      'SELECT code_hash FROM recovery_codes WHERE factor_id = $1',
      [set.factor!.id],
    );
    expect(stored).toHaveLength(10);
    const flat = JSON.stringify(stored);
    for (const code of codes) expect(flat).not.toContain(code.replace(/-/g, ''));

    // Typed loosely (lower case, spaces) it still matches; then it is spent.
    const loose = codes[0].toLowerCase().replace(/-/g, ' ');
    const used = await useCode(userId, set.factor!.id, loose);
    expect(used.factor!.recoveryCodesRemaining).toBe(9);
    expect((await h.events({ type: 'factors.recovery_code.used', userId }))[0].payload).toMatchObject({
      remaining: 9,
    });
    expect((await h.failure(useCode(userId, set.factor!.id, codes[0]))).code).toBe('CODE_REUSED');
    const listed = await h.client.call('listFactors', { tenantId: h.tenantId, userId, includeRemoved: true });
    expect(JSON.stringify(listed)).not.toContain(codes[1]);
  });

  it('regenerating replaces the set: old codes stop working', async () => {
    const userId = randomUUID();
    const old = await beginRecovery(userId, '');
    const proof = (await useCode(userId, old.factor!.id, old.recoveryCodes!.codes[0])).challengeId;
    const fresh = await beginRecovery(userId, proof);
    expect((await h.failure(useCode(userId, old.factor!.id, old.recoveryCodes!.codes[1]))).code).toBe(
      'FACTOR_NOT_FOUND',
    );
    await expect(useCode(userId, fresh.factor!.id, fresh.recoveryCodes!.codes[1])).resolves.toMatchObject({
      userId,
    });
    const all = await h.client.call('listFactors', { tenantId: h.tenantId, userId, includeRemoved: true });
    expect(all.factors.map((f) => `${f.type}:${f.status}`).sort()).toEqual([
      'recovery_codes:ACTIVE',
      'recovery_codes:REMOVED',
    ]);
    expect((await h.events({ type: 'factors.factor.removed', userId }))[0].payload).toMatchObject({
      reason: 'REPLACED',
    });
  });

  it('limits recovery-code guessing on its own counter (SECURITY.md 19)', async () => {
    const userId = randomUUID();
    const { factorId, secret } = await h.enrolTotp(userId);
    const proof = await h.proveWithTotp(userId, factorId, secret, later(30));
    const set = await beginRecovery(userId, proof);
    for (let i = 0; i < 5; i++) await h.failure(useCode(userId, set.factor!.id, `AAAA-AAAA-AAAA-AAA${i}`));
    expect((await h.failure(useCode(userId, set.factor!.id, set.recoveryCodes!.codes[0]))).code).toBe(
      'FACTOR_LOCKED',
    );
    // The TOTP factor's counter is untouched.
    const [totp] = await h.query<{ failed_attempts: number }>(
      'SELECT failed_attempts FROM factors WHERE id = $1',
      [factorId],
    );
    expect(totp.failed_attempts).toBe(0);
  });

  it('adding a second factor needs a recent MFA proof, used once (SECURITY.md 24, 25)', async () => {
    const userId = randomUUID();
    const { factorId, secret } = await h.enrolTotp(userId);
    const refused = await h.failure(beginRecovery(userId, ''));
    expect(refused.code).toBe('MFA_PROOF_REQUIRED');
    const proof = await h.proveWithTotp(userId, factorId, secret, later(30));
    await beginRecovery(userId, proof);
    expect((await h.failure(beginRecovery(userId, proof))).code).toBe('MFA_PROOF_INVALID');
    // Another user's proof is not this user's.
    const other = randomUUID();
    const otherTotp = await h.enrolTotp(other);
    const theirs = await h.proveWithTotp(other, otherTotp.factorId, otherTotp.secret, later(30));
    expect((await h.failure(beginRecovery(userId, theirs))).code).toBe('MFA_PROOF_INVALID');
  });

  it('removal needs a proof at least as strong as the factor; the factor stays on record', async () => {
    const userId = randomUUID();
    const { factorId: totpId, secret } = await h.enrolTotp(userId);
    // An SMS factor (strength 1) added with a TOTP proof.
    const sms = await h.client.call('beginEnrollment', {
      tenantId: h.tenantId,
      userId,
      type: 'sms_otp',
      name: 'Phone',
      accountName: 'jane',
      destination: '+14155550123',
      mfaProof: await h.proveWithTotp(userId, totpId, secret, later(30)),
      locale: 'en',
      clientIp: '',
    });
    await h.client.call('activateFactor', {
      tenantId: h.tenantId,
      userId,
      enrollmentId: sms.enrollmentId,
      proof: { code: (await h.lastCode(userId)).code },
    });
    // An SMS verification cannot remove the TOTP factor (weaker).
    const smsProof = async () => {
      const authenticationId = randomUUID();
      const started = await h.client.call('startChallenge', {
        tenantId: h.tenantId,
        userId,
        factorId: sms.factor!.id,
        authenticationId,
        action: '',
        locale: 'en',
        passwordless: false,
        clientIp: '',
      });
      await h.client.call('verifyChallenge', {
        tenantId: h.tenantId,
        challengeId: started.challengeId,
        authenticationId,
        proof: { code: (await h.lastCode(userId)).code },
      });
      return started.challengeId;
    };
    const remove = (factorId: string, mfaProof: string) =>
      h.client.call('removeFactor', { tenantId: h.tenantId, userId, factorId, mfaProof });
    expect((await h.failure(remove(totpId, ''))).code).toBe('MFA_PROOF_REQUIRED');
    expect((await h.failure(remove(totpId, await smsProof()))).code).toBe('MFA_PROOF_INVALID');
    // A proof older than the policy's proof age is refused.
    const stale = await smsProof();
    await h.query(`UPDATE challenges SET verified_at = now() - interval '10 minutes' WHERE id = $1`, [stale]);
    expect((await h.failure(remove(sms.factor!.id, stale))).code).toBe('MFA_PROOF_INVALID');

    const smsChallenge = { challengeId: await smsProof() };
    const removed = await remove(sms.factor!.id, smsChallenge.challengeId);
    expect(removed.factor).toMatchObject({ status: 'REMOVED' });
    const all = await h.client.call('listFactors', { tenantId: h.tenantId, userId, includeRemoved: true });
    expect(all.factors.find((f) => f.id === sms.factor!.id)?.status).toBe('REMOVED');
    const active = await h.client.call('listFactors', {
      tenantId: h.tenantId,
      userId,
      includeRemoved: false,
    });
    expect(active.factors.map((f) => f.id)).toEqual([totpId]);
    expect((await h.events({ type: 'factors.factor.removed', userId })).at(-1)!.payload).toMatchObject({
      reason: 'USER',
      authorisedBy: smsChallenge.challengeId,
    });
  });

  it('renames, sets the preferred factor, records last use, and an admin reset removes everything (audited)', async () => {
    const userId = randomUUID();
    const { factorId, secret } = await h.enrolTotp(userId);
    const renamed = await h.client.call('updateFactor', {
      tenantId: h.tenantId,
      userId,
      factorId,
      name: 'Work phone',
      preferred: true,
    });
    expect(renamed.factor).toMatchObject({ name: 'Work phone', preferred: true });
    const before = Date.now();
    await h.proveWithTotp(userId, factorId, secret, later(30));
    const [listed] = (
      await h.client.call('listFactors', { tenantId: h.tenantId, userId, includeRemoved: false })
    ).factors;
    expect(Number(listed.lastUseTime!.seconds) * 1000).toBeGreaterThanOrEqual(before - 1000);
    const bad = await h.failure(
      h.client.call('updateFactor', { tenantId: h.tenantId, userId, factorId, name: '', preferred: false }),
    );
    expect(bad.code).toBe('VALIDATION_FAILED');

    const reset = await h.client.call('resetFactors', {
      tenantId: h.tenantId,
      userId,
      reason: 'Lost phone, identity checked by support',
      actor: 'admin:alice',
    });
    expect(reset.removedCount).toBe(1);
    expect(
      (await h.client.call('listFactors', { tenantId: h.tenantId, userId, includeRemoved: false })).factors,
    ).toEqual([]);
    expect((await h.events({ type: 'factors.factors.reset', userId }))[0].payload).toMatchObject({
      removedCount: 1,
      actor: 'admin:alice',
    });
    // After a reset the user enrols again without a proof (they have no factor left).
    await expect(h.enrolTotp(userId)).resolves.toMatchObject({ factorId: expect.any(String) });
  });

  it('validates input with typed errors and changes nothing', async () => {
    const userId = randomUUID();
    const bad = await h.failure(
      h.client.call('beginEnrollment', {
        tenantId: 'nope',
        userId,
        type: 'carrier_pigeon',
        name: '',
        accountName: '',
        destination: '',
        mfaProof: '',
        locale: 'xx-yy-zz',
        clientIp: '',
      }),
    );
    expect(bad.code).toBe('VALIDATION_FAILED');
    expect(bad.details.violations?.map((v) => v.field).sort()).toEqual([
      'accountName',
      'locale',
      'tenantId',
      'type',
    ]);
    expect(await h.query('SELECT 1 FROM factors WHERE user_id = $1', [userId])).toHaveLength(0);
  });

  it('wrote no seed, code or phone number to its logs, even at trace level (SECURITY.md 4, 30)', () => {
    h.expectNoSecretsLogged();
  });
});
