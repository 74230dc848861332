import { randomUUID } from 'node:crypto';
import { NodeCryptoPlugin } from '@otplib/plugin-crypto-node';
import type { DomainError } from '@portcullis/errors';
import { eventually, SoftwareAuthenticator } from '@portcullis/testing';
import { generateSync } from 'otplib';
import { CodeInbox, SliceStack } from '../src';

const crypto = new NodeCryptoPlugin();
const totp = (secret: string, offsetSeconds = 0) =>
  generateSync({ secret, epoch: Math.floor(Date.now() / 1000) + offsetSeconds, crypto });

/**
 * Every factor type enrolled, challenged, verified, listed and removed through the gateway, over
 * HTTP and gRPC, black box: gateway → identity/factors over gRPC → outbox → Kafka → audit.
 */
describe('factor journeys through the gateway', () => {
  const stack = new SliceStack();
  let inbox: CodeInbox;
  let tenantId: string;

  beforeAll(async () => {
    await stack.start();
    inbox = await CodeInbox.open(stack.kafkaBrokers, stack.factorsSecrets['CODE_TRANSPORT_KEYS']);
    tenantId = await stack.createTenant('Factor Bank');
  });

  afterAll(async () => {
    await inbox?.close();
    await stack.stop();
  });

  /** Emails are unique within a tenant: each user gets its own unless the test names one. */
  const createUser = async (email = `customer-${randomUUID()}@example.com`) => {
    const created = await stack.http('POST', '/v1/users', {
      tenantId,
      externalId: `customer-${randomUUID()}`,
      email,
      phoneNumber: '+44 7911 123456',
    });
    expect(created.status).toBe(201);
    return created.json['user'].id as string;
  };

  /** Starts a challenge and verifies it with `answer`; returns the HTTP response of the verify. */
  async function challengeAndVerify(
    userId: string,
    factorId: string,
    answer: (started: Record<string, any>) => Promise<Record<string, unknown>>, // eslint-disable-line @typescript-eslint/no-explicit-any
  ) {
    const authenticationId = randomUUID();
    const started = await stack.http('POST', '/v1/challenges', {
      tenantId,
      userId,
      factorId,
      authenticationId,
    });
    expect(started.status).toBe(201);
    return stack.http('POST', `/v1/challenges/${started.json['challengeId']}/verify`, {
      tenantId,
      authenticationId,
      proof: await answer(started.json),
    });
  }

  it('over HTTP: TOTP, SMS, voice, email, recovery codes and a passkey, each enrolled, used and removed', async () => {
    const userId = await createUser('Jane.Doe@Example.com');

    // TOTP, the first factor: no MFA proof needed.
    const totpBegun = await stack.http('POST', `/v1/users/${userId}/factors`, { tenantId, type: 'totp' });
    expect(totpBegun.status).toBe(201);
    expect(totpBegun.json['totp'].otpauthUri).toContain('jane.doe%40example.com');
    const secret = totpBegun.json['totp'].secret as string;
    const activated = await stack.http(
      'POST',
      `/v1/users/${userId}/enrollments/${totpBegun.json['enrollmentId']}/activate`,
      {
        tenantId,
        proof: { code: totp(secret) },
      },
    );
    expect(activated.status).toBe(200);
    const totpId = activated.json['factor'].id as string;

    // A wrong code: 403 with the reason and the attempts left.
    const wrong = await challengeAndVerify(userId, totpId, () =>
      Promise.resolve({ code: totp(secret) === '000000' ? '111111' : '000000' }),
    );
    expect(wrong.status).toBe(403);
    expect(wrong.contentType).toContain('application/problem+json');
    expect(wrong.json).toMatchObject({ code: 'CODE_INVALID', attemptsRemaining: 4 });

    // Recovery codes, added with a TOTP proof; their codes then serve as proofs (strength 2).
    const totpProof = await challengeAndVerify(userId, totpId, () =>
      Promise.resolve({ code: totp(secret, 30) }),
    );
    expect(totpProof.status).toBe(200);
    expect(totpProof.json['amr']).toEqual(['otp']);
    const noProof = await stack.http('POST', `/v1/users/${userId}/factors`, {
      tenantId,
      type: 'recovery_codes',
    });
    expect(noProof.json['code']).toBe('MFA_PROOF_REQUIRED');
    const recovery = await stack.http('POST', `/v1/users/${userId}/factors`, {
      tenantId,
      type: 'recovery_codes',
      mfaProof: totpProof.json['challengeId'],
    });
    expect(recovery.status).toBe(201);
    const codes = [...(recovery.json['recoveryCodes'].codes as string[])];
    const recoveryId = recovery.json['factor'].id as string;
    const recoveryProof = async () => {
      const verified = await challengeAndVerify(userId, recoveryId, () =>
        Promise.resolve({ code: codes.shift()! }),
      );
      expect(verified.status).toBe(200);
      return verified.json['challengeId'] as string;
    };

    // SMS (to the user's own number by default), voice and email: codes arrive through Kafka.
    const outOfBand: Record<string, string> = {};
    for (const [type, channel, destination] of [
      ['sms_otp', 'sms', '+447911123456'],
      ['voice_otp', 'voice', '+447911123456'],
      ['email_otp', 'email', 'jane.doe@example.com'],
    ] as const) {
      const begun = await stack.http('POST', `/v1/users/${userId}/factors`, {
        tenantId,
        type,
        locale: 'es',
        mfaProof: await recoveryProof(),
      });
      expect(begun.status).toBe(201);
      expect(begun.json['outOfBand'].channel).toBe(channel);
      const sent = await inbox.next(userId);
      expect(sent).toMatchObject({ channel, destination, locale: 'es' });
      const done = await stack.http(
        'POST',
        `/v1/users/${userId}/enrollments/${begun.json['enrollmentId']}/activate`,
        {
          tenantId,
          proof: { code: sent.code },
        },
      );
      expect(done.status).toBe(200);
      outOfBand[type] = done.json['factor'].id as string;
      const used = await challengeAndVerify(userId, outOfBand[type], async () => ({
        code: (await inbox.next(userId)).code,
      }));
      expect(used.status).toBe(200);
    }

    // A passkey, through the same API (the browser test does this in Chromium).
    const authenticator = new SoftwareAuthenticator({ origin: stack.browserOrigin });
    const passkeyBegun = await stack.http('POST', `/v1/users/${userId}/factors`, {
      tenantId,
      type: 'webauthn',
      name: 'Laptop',
      mfaProof: await recoveryProof(),
    });
    const creation = JSON.parse(passkeyBegun.json['webauthn'].creationOptionsJson as string);
    const passkey = await stack.http(
      'POST',
      `/v1/users/${userId}/enrollments/${passkeyBegun.json['enrollmentId']}/activate`,
      {
        tenantId,
        proof: { webauthnResponseJson: JSON.stringify(await authenticator.create(creation)) },
      },
    );
    expect(passkey.status).toBe(200);
    const passkeyId = passkey.json['factor'].id as string;
    const signedIn = await challengeAndVerify(userId, passkeyId, async (started) => ({
      webauthnResponseJson: JSON.stringify(
        await authenticator.get(JSON.parse(started['requestOptionsJson'] as string)),
      ),
    }));
    expect(signedIn.status).toBe(200);

    const listed = await stack.http('GET', `/v1/users/${userId}/factors?tenantId=${tenantId}`);
    expect(listed.json['factors'].map((f: { type: string }) => f.type).sort()).toEqual([
      'email_otp',
      'recovery_codes',
      'sms_otp',
      'totp',
      'voice_otp',
      'webauthn',
    ]);
    expect(listed.text).not.toContain(secret);
    expect(listed.text).not.toContain('7911123456');

    // Rename, then remove each factor with a fresh proof of the same or higher strength.
    const renamed = await stack.http('PATCH', `/v1/users/${userId}/factors/${totpId}`, {
      tenantId,
      name: 'Old phone',
    });
    expect(renamed.json['factor'].name).toBe('Old phone');
    const passkeyProof = async () => {
      const verified = await challengeAndVerify(userId, passkeyId, async (started) => ({
        webauthnResponseJson: JSON.stringify(
          await authenticator.get(JSON.parse(started['requestOptionsJson'] as string)),
        ),
      }));
      return verified.json['challengeId'] as string;
    };
    const removeWithoutProof = await stack.http(
      'DELETE',
      `/v1/users/${userId}/factors/${passkeyId}?tenantId=${tenantId}`,
    );
    expect(removeWithoutProof.status).toBe(403);
    for (const factorId of [totpId, recoveryId, ...Object.values(outOfBand), passkeyId]) {
      const response = await fetch(
        `${stack.httpUrl}/v1/users/${userId}/factors/${factorId}?tenantId=${tenantId}`,
        {
          method: 'DELETE',
          headers: { authorization: `Bearer ${stack.adminToken}`, 'x-mfa-proof': await passkeyProof() },
        },
      );
      expect(response.status).toBe(200);
    }
    const after = await stack.http(
      'GET',
      `/v1/users/${userId}/factors?tenantId=${tenantId}&includeRemoved=true`,
    );
    expect(after.json['factors'].every((f: { status: string }) => f.status === 'REMOVED')).toBe(true);

    // The audit log holds the factor events, without a code or a secret (SECURITY.md 29, 30).
    const audit = await eventually(
      async () => {
        const page = await stack.http(
          'GET',
          `/v1/audit/events?tenantId=${tenantId}&userId=${userId}&pageSize=500`,
        );
        const types = (page.json['events'] as { type: string }[]).map((e) => e.type);
        expect(types).toEqual(
          expect.arrayContaining([
            'factors.webauthn.enrolled',
            'factors.factor.removed',
            'factors.challenge.failed',
          ]),
        );
        expect(types.filter((t) => t === 'factors.factor.removed')).toHaveLength(6);
        return page.text;
      },
      // A fresh consumer group reads every earlier test's events first.
      { timeoutMs: 120_000 },
    );
    expect(audit).not.toContain(secret);
    expect(audit).not.toContain('7911123456');
    expect(audit).not.toContain('factors.code.issued');
  }, 240_000);

  it('over gRPC: enrolment, verification, rename, removal with an MFA proof, policy and reset, with typed errors', async () => {
    const userId = await createUser();
    const metadata = stack.adminMetadata();
    const begun = await stack.grpc.call(
      'beginFactorEnrollment',
      { tenantId, userId, type: 'totp', name: '', destination: '', mfaProof: '', locale: '', clientIp: '' },
      { metadata },
    );
    const secret = begun.totp!.secret;
    const { factor } = await stack.grpc.call(
      'activateFactor',
      { tenantId, userId, enrollmentId: begun.enrollmentId, proof: { code: totp(secret) } },
      { metadata },
    );
    const authenticationId = randomUUID();
    const started = await stack.grpc.call(
      'startChallenge',
      {
        tenantId,
        userId,
        factorId: factor!.id,
        authenticationId,
        action: '',
        locale: '',
        passwordless: false,
        clientIp: '',
      },
      { metadata },
    );
    const error = await stack.grpc
      .call(
        'verifyChallenge',
        {
          tenantId,
          challengeId: started.challengeId,
          authenticationId: 'other',
          proof: { code: totp(secret) },
        },
        { metadata },
      )
      .catch((e: DomainError) => e);
    expect(error).toMatchObject({ code: 'CHALLENGE_MISMATCH', kind: 'PERMISSION_DENIED' });
    const verified = await stack.grpc.call(
      'verifyChallenge',
      { tenantId, challengeId: started.challengeId, authenticationId, proof: { code: totp(secret, 30) } },
      { metadata },
    );
    expect(verified).toMatchObject({ userId, amr: ['otp'] });
    const { factors } = await stack.grpc.call(
      'listFactors',
      { tenantId, userId, includeRemoved: false },
      { metadata },
    );
    expect(factors).toEqual([expect.objectContaining({ id: factor!.id, status: 'ACTIVE', type: 'totp' })]);
    const unauthenticated = await stack.grpc
      .call('listFactors', { tenantId, userId, includeRemoved: false })
      .catch((e: DomainError) => e);
    expect(unauthenticated).toMatchObject({ code: 'UNAUTHENTICATED' });

    // Recovery codes with the TOTP proof; one code proves a recent MFA to remove the TOTP factor.
    const recovery = await stack.grpc.call(
      'beginFactorEnrollment',
      {
        tenantId,
        userId,
        type: 'recovery_codes',
        name: '',
        destination: '',
        mfaProof: verified.challengeId,
        locale: '',
        clientIp: '',
      },
      { metadata },
    );
    const renamed = await stack.grpc.call(
      'updateFactor',
      { tenantId, userId, factorId: recovery.factor!.id, name: 'Printed codes', preferred: true },
      { metadata },
    );
    expect(renamed.factor).toMatchObject({ name: 'Printed codes', preferred: true });
    const recoveryAuth = randomUUID();
    const recoveryChallenge = await stack.grpc.call(
      'startChallenge',
      {
        tenantId,
        userId,
        factorId: recovery.factor!.id,
        authenticationId: recoveryAuth,
        action: '',
        locale: '',
        passwordless: false,
        clientIp: '',
      },
      { metadata },
    );
    await stack.grpc.call(
      'verifyChallenge',
      {
        tenantId,
        challengeId: recoveryChallenge.challengeId,
        authenticationId: recoveryAuth,
        proof: { code: recovery.recoveryCodes!.codes[0] },
      },
      { metadata },
    );
    const removed = await stack.grpc.call(
      'removeFactor',
      { tenantId, userId, factorId: factor!.id, mfaProof: recoveryChallenge.challengeId },
      { metadata },
    );
    expect(removed.factor).toMatchObject({ status: 'REMOVED' });

    const policy = await stack.grpc.call(
      'setFactorPolicy',
      {
        tenantId,
        policy: {
          ...(await stack.grpc.call('getFactorPolicy', { tenantId }, { metadata })).policy!,
          maxFailedAttempts: 3,
        },
      },
      { metadata },
    );
    expect(policy.policy).toMatchObject({ maxFailedAttempts: 3, totp: { digits: 6, period: 30 } });

    const reset = await stack.grpc.call(
      'resetFactors',
      { tenantId, userId, reason: 'support ticket 42' },
      { metadata },
    );
    expect(reset.removedCount).toBe(1);
  });

  it('refuses factors for a user who does not exist in the tenant, changing nothing', async () => {
    const response = await stack.http('POST', `/v1/users/${randomUUID()}/factors`, {
      tenantId,
      type: 'totp',
    });
    expect(response.status).toBe(404);
    expect(response.json['code']).toBe('USER_NOT_FOUND');
  });
});
