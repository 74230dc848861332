import { randomUUID } from 'node:crypto';
import { Metadata } from '@grpc/grpc-js';
import { NodeCryptoPlugin } from '@otplib/plugin-crypto-node';
import { gatewayV1 } from '@portcullis/contracts';
import { SoftwareAuthenticator } from '@portcullis/testing';
import { createLocalJWKSet, jwtVerify } from 'jose';
import { generateSync } from 'otplib';
import { SliceStack } from '../src';

const crypto = new NodeCryptoPlugin();
const totp = (secret: string, offsetSeconds = 0) =>
  generateSync({ secret, epoch: Math.floor(Date.now() / 1000) + offsetSeconds, crypto });

const BROWSER =
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_0) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Safari/605.1.15';
const PASSWORD = 'correct horse battery staple';
let ipCounter = 10;
/** Each scenario signs in from its own address, so failure windows of one never leak into another. */
const freshIp = () => `198.18.${Math.floor(ipCounter / 250)}.${(ipCounter++ % 250) + 1}`;

/**
 * Sign-in, step-up, passwordless, remember-device, recovery and lockout journeys through the
 * gateway's public API (HTTP and gRPC), black box: every service a process, real PostgreSQL and
 * Kafka. Each scenario has its own tenant, so policies do not interfere.
 */
describe('sign-in journeys through the gateway', () => {
  const stack = new SliceStack();

  beforeAll(async () => {
    await stack.start();
  });

  afterAll(async () => {
    await stack.stop();
  });

  /** A tenant set up the way an operator and its administrator would: keys and a risk policy. */
  async function tenant(riskPolicy: Record<string, unknown> = {}) {
    const tenantId = await stack.createTenant(`Bank ${randomUUID().slice(0, 8)}`);
    const admin = await stack.http('POST', `/v1/tenants/${tenantId}/api-keys`, {
      name: 'ops',
      scope: 'admin',
    });
    const adminKey = admin.json['secret'] as string;
    const runtime = await stack.http(
      'POST',
      `/v1/tenants/${tenantId}/api-keys`,
      { name: 'web backend', scope: 'runtime' },
      { bearer: adminKey },
    );
    const runtimeKey = runtime.json['secret'] as string;
    const adminApi = (method: string, path: string, body?: unknown) =>
      stack.http(method, path, body, { bearer: adminKey });
    const api = (method: string, path: string, body?: unknown) =>
      stack.http(method, path, body, { bearer: runtimeKey });
    const policy = await adminApi('PUT', `/v1/tenants/${tenantId}/risk-policy`, { policy: riskPolicy });
    expect(policy.status).toBe(200);

    /** A customer with a password and an active TOTP factor. */
    async function customer() {
      const created = await api('POST', '/v1/users', { tenantId, externalId: `c-${randomUUID()}` });
      expect(created.status).toBe(201);
      const userId = created.json['user'].id as string;
      expect(
        (await api('PUT', `/v1/users/${userId}/password`, { tenantId, password: PASSWORD })).status,
      ).toBe(204);
      const begun = await api('POST', `/v1/users/${userId}/factors`, { tenantId, type: 'totp' });
      const secret = begun.json['totp'].secret as string;
      const activated = await api(
        'POST',
        `/v1/users/${userId}/enrollments/${begun.json['enrollmentId']}/activate`,
        {
          tenantId,
          proof: { code: totp(secret, -30) },
        },
      );
      expect(activated.status).toBe(200);
      return { userId, secret, factorId: activated.json['factor'].id as string };
    }

    const signIn = (login: Record<string, unknown>, context: Record<string, unknown> = {}) =>
      api('POST', '/v1/authentications', {
        tenantId,
        ...login,
        context: { ip: freshIp(), userAgent: BROWSER, deviceId: 'device-1', ...context },
      });

    const challengeAndVerify = async (
      authenticationId: string,
      factorId: string,
      answer: string,
      extra: Record<string, unknown> = {},
    ) => {
      const challenge = await api('POST', `/v1/authentications/${authenticationId}/challenges`, {
        tenantId,
        factorId,
      });
      expect(challenge.status).toBe(201);
      return api('POST', `/v1/authentications/${authenticationId}/verify`, {
        tenantId,
        challengeId: challenge.json['challengeId'],
        code: answer,
        ...extra,
      });
    };

    return { tenantId, adminKey, runtimeKey, adminApi, api, customer, signIn, challengeAndVerify };
  }

  it('signs in with password and TOTP when the policy asks for MFA, and the assertion verifies with the JWKS', async () => {
    const t = await tenant({ mfaMode: 'always' });
    const { userId, secret, factorId } = await t.customer();

    const started = await t.signIn({ userId, password: PASSWORD });
    expect(started.status).toBe(201);
    const auth = started.json['authentication'];
    expect(auth).toMatchObject({ status: 'CHALLENGE_REQUIRED', userId, kind: 'sign_in', amr: ['pwd'] });
    expect(auth['factors']).toEqual([expect.objectContaining({ factorId, type: 'totp' })]);
    expect(auth['risk'].reasons).toEqual(
      expect.arrayContaining([expect.objectContaining({ code: 'MFA_ALWAYS' })]),
    );
    // SECURITY.md 22: the first factor alone grants nothing.
    expect(started.json['assertion']).toBeUndefined();
    const pending = await t.api('GET', `/v1/authentications/${auth.id}?tenantId=${t.tenantId}`);
    expect(pending.json['authentication'].status).toBe('CHALLENGE_REQUIRED');
    expect(pending.json['assertion']).toBeUndefined();

    const challenge = await t.api('POST', `/v1/authentications/${auth.id}/challenges`, {
      tenantId: t.tenantId,
      factorId,
    });
    const verified = await t.api('POST', `/v1/authentications/${auth.id}/verify`, {
      tenantId: t.tenantId,
      challengeId: challenge.json['challengeId'],
      code: totp(secret),
    });
    expect(verified.status).toBe(200);
    expect(verified.json['authentication']).toMatchObject({ status: 'SUCCEEDED', amr: ['pwd', 'otp'] });
    const assertion = verified.json['assertion'];
    expect(assertion).toMatchObject({ acr: 'aal2', amr: ['pwd', 'otp'] });

    const jwks = await stack.http('GET', '/.well-known/jwks.json', undefined, { auth: false });
    const { payload, protectedHeader } = await jwtVerify(
      assertion.token,
      createLocalJWKSet(jwks.json as never),
      {
        audience: `portcullis:tenant:${t.tenantId}`,
      },
    );
    expect(protectedHeader.alg).toBe('ES256');
    expect(payload).toMatchObject({
      sub: userId,
      tenant: t.tenantId,
      acr: 'aal2',
      amr: ['pwd', 'otp'],
      attempt: auth.id,
    });
    expect(typeof payload['auth_time']).toBe('number');
    const introspected = await t.api('POST', '/v1/assertions/introspect', {
      tenantId: t.tenantId,
      token: assertion.token,
    });
    expect(introspected.json).toMatchObject({ active: true, userId, acr: 'aal2', authenticationId: auth.id });

    // Verified at most once: a replay gets nothing.
    const replay = await t.api('POST', `/v1/authentications/${auth.id}/verify`, {
      tenantId: t.tenantId,
      challengeId: challenge.json['challengeId'],
      code: totp(secret),
    });
    expect(replay.status).toBe(412);
    expect(replay.json['code']).toBe('AUTHENTICATION_NOT_PENDING');
  });

  it('answers an unknown user exactly like a wrong password (SECURITY.md 26)', async () => {
    const t = await tenant();
    const { userId } = await t.customer();
    const strip = (body: Record<string, unknown>) => {
      const a = { ...(body['authentication'] as Record<string, unknown>) };
      delete a['id'];
      delete a['createTime'];
      delete a['expireTime'];
      delete a['completeTime'];
      return { ...body, authentication: a };
    };
    const wrong = await t.signIn({ userId, password: 'not the password' }, { ip: '203.0.113.10' });
    const unknown = await t.signIn(
      { userId: randomUUID(), password: 'not the password' },
      { ip: '203.0.113.11' },
    );
    const unknownEmail = await t.signIn(
      { email: 'nobody@example.com', password: 'x' },
      { ip: '203.0.113.12' },
    );
    expect(wrong.status).toBe(201);
    expect(strip(wrong.json)).toEqual(strip(unknown.json));
    expect(strip(wrong.json)).toEqual(strip(unknownEmail.json));
    expect(wrong.json['authentication']).toMatchObject({
      status: 'DENIED',
      denialReason: 'INVALID_CREDENTIALS',
    });
    // proto3 JSON leaves empty fields out: no user id, whichever user was named.
    expect(wrong.json['authentication'].userId).toBeUndefined();
    expect(wrong.json['assertion']).toBeUndefined();
  });

  it('counts wrong passwords against the named user: spraying from many IPs brings a challenge', async () => {
    const t = await tenant();
    const { userId, factorId } = await t.customer();
    for (let i = 0; i < 5; i += 1) {
      const wrong = await t.signIn({ userId, password: `guess-${i}` });
      expect(wrong.json['authentication'].denialReason).toBe('INVALID_CREDENTIALS');
      expect(wrong.json['authentication'].risk).toBeUndefined();
    }
    const owner = await t.signIn({ userId, password: PASSWORD });
    const auth = owner.json['authentication'];
    expect(auth.status).toBe('CHALLENGE_REQUIRED');
    expect(auth.factors).toEqual([expect.objectContaining({ factorId })]);
    expect(auth.risk.reasons.map((r: { code: string }) => r.code)).toEqual(
      expect.arrayContaining(['PASSWORD_SPRAY', 'FAILURE_VELOCITY_USER']),
    );
  });

  it('lets exactly one of two parallel answers with the same code through (SECURITY.md 3, 37)', async () => {
    const t = await tenant({ mfaMode: 'always' });
    const { userId, secret, factorId } = await t.customer();
    const started = await t.signIn({ userId, password: PASSWORD });
    const id = started.json['authentication'].id as string;
    const challenge = await t.api('POST', `/v1/authentications/${id}/challenges`, {
      tenantId: t.tenantId,
      factorId,
    });
    const code = totp(secret);
    const answers = await Promise.all(
      [1, 2, 3].map(() =>
        t.api('POST', `/v1/authentications/${id}/verify`, {
          tenantId: t.tenantId,
          challengeId: challenge.json['challengeId'],
          code,
        }),
      ),
    );
    expect(answers.map((a) => a.status).sort()).toEqual([200, 412, 412]);
    expect(answers.filter((a) => a.json['assertion'])).toHaveLength(1);
  });

  it('locks a factor at exactly N wrong answers, even in parallel (SECURITY.md 17, 19)', async () => {
    const t = await tenant({ mfaMode: 'always' });
    const { userId, secret, factorId } = await t.customer();
    const started = await t.signIn({ userId, password: PASSWORD });
    const id = started.json['authentication'].id as string;
    const challenge = await t.api('POST', `/v1/authentications/${id}/challenges`, {
      tenantId: t.tenantId,
      factorId,
    });
    const wrong = String((Number(totp(secret)) + 1) % 1_000_000).padStart(6, '0');
    const answers = await Promise.all(
      Array.from({ length: 12 }, () =>
        t.api('POST', `/v1/authentications/${id}/verify`, {
          tenantId: t.tenantId,
          challengeId: challenge.json['challengeId'],
          code: wrong,
        }),
      ),
    );
    const codes = answers.map((a) => a.json['code'] as string);
    expect(codes.filter((c) => c === 'CODE_INVALID')).toHaveLength(5);
    expect(codes.filter((c) => c === 'FACTOR_LOCKED')).toHaveLength(7);
    const right = await t.api('POST', `/v1/authentications/${id}/verify`, {
      tenantId: t.tenantId,
      challengeId: challenge.json['challengeId'],
      code: totp(secret),
    });
    expect(right.json['code']).toBe('FACTOR_LOCKED');
  });

  it('refuses a user locked after the sign-in started, on every path (SECURITY.md 21)', async () => {
    const t = await tenant({ mfaMode: 'always' });
    const { userId, secret, factorId } = await t.customer();
    const started = await t.signIn({ userId, password: PASSWORD });
    const id = started.json['authentication'].id as string;
    const challenge = await t.api('POST', `/v1/authentications/${id}/challenges`, {
      tenantId: t.tenantId,
      factorId,
    });
    const locked = await t.adminApi('POST', `/v1/users/${userId}/lock`, {
      tenantId: t.tenantId,
      reason: 'fraud report',
    });
    expect(locked.json['user'].status).toBe('LOCKED');
    const verified = await t.api('POST', `/v1/authentications/${id}/verify`, {
      tenantId: t.tenantId,
      challengeId: challenge.json['challengeId'],
      code: totp(secret),
    });
    expect([verified.status, verified.json['code']]).toEqual([403, 'ACCOUNT_LOCKED']);
    const after = await t.api('GET', `/v1/authentications/${id}?tenantId=${t.tenantId}`);
    expect(after.json['authentication']).toMatchObject({ status: 'DENIED', denialReason: 'ACCOUNT_LOCKED' });
    const again = await t.signIn({ userId, password: PASSWORD });
    expect(again.json['authentication']).toMatchObject({ status: 'DENIED', denialReason: 'ACCOUNT_LOCKED' });
    const secondFactorOnly = await t.signIn({ userId });
    expect(secondFactorOnly.json['authentication'].denialReason).toBe('ACCOUNT_LOCKED');
    // The factor routes refuse too: no challenge (and so no MFA proof), no new factor.
    const raw = await t.api('POST', '/v1/challenges', {
      tenantId: t.tenantId,
      userId,
      factorId,
      authenticationId: 'after-lock',
    });
    expect([raw.status, raw.json['code']]).toEqual([403, 'ACCOUNT_LOCKED']);
    const enrol = await t.api('POST', `/v1/users/${userId}/factors`, { tenantId: t.tenantId, type: 'totp' });
    expect([enrol.status, enrol.json['code']]).toEqual([403, 'ACCOUNT_LOCKED']);
    const runtimeCannotUnlock = await t.api('POST', `/v1/users/${userId}/unlock`, {
      tenantId: t.tenantId,
      reason: 'x',
    });
    expect(runtimeCannotUnlock.status).toBe(403);
    await t.adminApi('POST', `/v1/users/${userId}/unlock`, { tenantId: t.tenantId, reason: 'cleared' });
    expect((await t.signIn({ userId, password: PASSWORD })).json['authentication'].status).toBe(
      'CHALLENGE_REQUIRED',
    );
  });

  it('binds a step-up to the payment it approves (PSD2 dynamic linking)', async () => {
    const t = await tenant({
      stepUpRules: [{ actionType: 'payment', minAmount: '500', currency: 'EUR', decision: 'challenge' }],
    });
    const { userId, secret, factorId } = await t.customer();
    const payment = { type: 'payment', amount: '1250.00', currency: 'EUR', payee: 'ACME Ltd' };
    const context = { ip: freshIp(), userAgent: BROWSER, deviceId: 'device-1' };
    const small = await t.api('POST', '/v1/step-ups', {
      tenantId: t.tenantId,
      userId,
      action: { ...payment, amount: '20.00' },
      context,
    });
    expect(small.json['authentication']).toMatchObject({ status: 'SUCCEEDED', kind: 'step_up' });

    const started = await t.api('POST', '/v1/step-ups', {
      tenantId: t.tenantId,
      userId,
      action: payment,
      context,
    });
    const auth = started.json['authentication'];
    expect(auth).toMatchObject({ status: 'CHALLENGE_REQUIRED', kind: 'step_up', action: payment });
    expect(auth['risk'].reasons).toEqual([expect.objectContaining({ code: 'STEP_UP_RULE' })]);
    const verified = await t.challengeAndVerify(auth.id, factorId, totp(secret));
    expect(verified.status).toBe(200);
    const token = verified.json['assertion'].token as string;
    const introspect = (action: Record<string, unknown>) =>
      t.api('POST', '/v1/assertions/introspect', { tenantId: t.tenantId, token, action });
    expect((await introspect({ ...payment, amount: '1250' })).json['active']).toBe(true);
    // proto3 JSON leaves `active: false` out.
    const otherAmount = await introspect({ ...payment, amount: '1350.00' });
    expect(otherAmount.json['active']).toBeUndefined();
    expect(otherAmount.json['errorCode']).toBe('ASSERTION_ACTION_MISMATCH');
    expect((await introspect({ ...payment, payee: 'Mallory' })).json['errorCode']).toBe(
      'ASSERTION_ACTION_MISMATCH',
    );
    // A step-up approval is not a sign-in.
    expect(
      (await t.api('POST', '/v1/assertions/introspect', { tenantId: t.tenantId, token })).json['errorCode'],
    ).toBe('ASSERTION_ACTION_MISMATCH');
  });

  it('remembers a device: its token lowers risk until revoked', async () => {
    const t = await tenant({ mfaMode: 'always' });
    const { userId, secret, factorId } = await t.customer();
    const ip = freshIp();
    const first = await t.signIn({ userId, password: PASSWORD }, { ip });
    const verified = await t.challengeAndVerify(first.json['authentication'].id, factorId, totp(secret), {
      rememberDevice: true,
    });
    const deviceToken = verified.json['deviceToken'];
    expect(deviceToken.token).toMatch(/^ey/);
    const second = await t.signIn({ userId, password: PASSWORD }, { ip, deviceToken: deviceToken.token });
    expect(second.json['authentication'].risk.reasons).toEqual(
      expect.arrayContaining([expect.objectContaining({ code: 'REMEMBERED_DEVICE' })]),
    );
    const reasonCodes = (response: { json: Record<string, unknown> }) =>
      (response.json['authentication'] as { risk: { reasons: { code: string }[] } }).risk.reasons.map(
        (r) => r.code,
      );
    // Without the device id it was issued to, or from another device, the token counts for nothing.
    const elsewhere = await t.signIn(
      { userId, password: PASSWORD },
      { ip, deviceId: 'device-2', deviceToken: deviceToken.token },
    );
    expect(reasonCodes(elsewhere)).not.toContain('REMEMBERED_DEVICE');
    const noDeviceId = await t.api('POST', '/v1/authentications', {
      tenantId: t.tenantId,
      userId,
      password: PASSWORD,
      context: { ip, userAgent: BROWSER, deviceToken: deviceToken.token },
    });
    expect(reasonCodes(noDeviceId)).not.toContain('REMEMBERED_DEVICE');

    const devices = await t.api('GET', `/v1/users/${userId}/devices?tenantId=${t.tenantId}`);
    expect(devices.json['tokens']).toEqual([expect.objectContaining({ tokenId: deviceToken.tokenId })]);
    const revoked = await t.api(
      'DELETE',
      `/v1/users/${userId}/devices/${deviceToken.tokenId}?tenantId=${t.tenantId}`,
    );
    expect(revoked.json['token'].revokeTime).toBeDefined();
    const third = await t.signIn({ userId, password: PASSWORD }, { ip, deviceToken: deviceToken.token });
    expect(reasonCodes(third)).not.toContain('REMEMBERED_DEVICE');
  });

  it('signs in with a recovery code when the phone is lost', async () => {
    const t = await tenant({ mfaMode: 'always' });
    const { userId, secret, factorId } = await t.customer();
    // Adding recovery codes to an account with a factor needs a fresh MFA proof.
    const proof = await t.api('POST', '/v1/challenges', {
      tenantId: t.tenantId,
      userId,
      factorId,
      authenticationId: 'proof-1',
    });
    const proved = await t.api('POST', `/v1/challenges/${proof.json['challengeId']}/verify`, {
      tenantId: t.tenantId,
      authenticationId: 'proof-1',
      proof: { code: totp(secret) },
    });
    expect(proved.status).toBe(200);
    const recovery = await t.api('POST', `/v1/users/${userId}/factors`, {
      tenantId: t.tenantId,
      type: 'recovery_codes',
      mfaProof: proved.json['challengeId'],
    });
    expect(recovery.status).toBe(201);
    const codes = recovery.json['recoveryCodes'].codes as string[];

    const started = await t.signIn({ userId, password: PASSWORD });
    const auth = started.json['authentication'];
    // Recovery codes are offered last: they are for emergencies.
    expect(auth.factors.map((f: { type: string }) => f.type)).toEqual(['totp', 'recovery_codes']);
    const signedIn = await t.challengeAndVerify(auth.id, auth.factors[1].factorId, codes[0]);
    expect(signedIn.json['authentication'].status).toBe('SUCCEEDED');
    expect(signedIn.json['assertion'].acr).toBe('aal2');
    // Each code works once.
    const again = await t.signIn({ userId, password: PASSWORD });
    const reused = await t.challengeAndVerify(
      again.json['authentication'].id,
      auth.factors[1].factorId,
      codes[0],
    );
    expect(reused.json['code']).toBe('CODE_REUSED');
  });

  it('signs in passwordless with a discoverable passkey', async () => {
    const t = await tenant({ mfaMode: 'always' });
    const { userId, secret, factorId } = await t.customer();
    const authenticator = new SoftwareAuthenticator({ origin: stack.browserOrigin });
    const proof = await t.api('POST', '/v1/challenges', {
      tenantId: t.tenantId,
      userId,
      factorId,
      authenticationId: 'proof-1',
    });
    const proved = await t.api('POST', `/v1/challenges/${proof.json['challengeId']}/verify`, {
      tenantId: t.tenantId,
      authenticationId: 'proof-1',
      proof: { code: totp(secret) },
    });
    expect(proved.status).toBe(200);
    const begun = await t.api('POST', `/v1/users/${userId}/factors`, {
      tenantId: t.tenantId,
      type: 'webauthn',
      name: 'Laptop',
      mfaProof: proved.json['challengeId'],
    });
    expect(begun.status).toBe(201);
    const creation = JSON.parse(begun.json['webauthn'].creationOptionsJson as string);
    const activated = await t.api(
      'POST',
      `/v1/users/${userId}/enrollments/${begun.json['enrollmentId']}/activate`,
      {
        tenantId: t.tenantId,
        proof: { webauthnResponseJson: JSON.stringify(await authenticator.create(creation)) },
      },
    );
    expect(activated.status).toBe(200);

    const started = await t.api('POST', '/v1/passwordless', {
      tenantId: t.tenantId,
      context: { ip: freshIp(), userAgent: BROWSER },
    });
    expect(started.status).toBe(201);
    expect(started.json['authentication']).toMatchObject({
      kind: 'passwordless',
      status: 'CHALLENGE_REQUIRED',
    });
    expect(started.json['authentication'].userId).toBeUndefined();
    const answer = await authenticator.get(JSON.parse(started.json['requestOptionsJson'] as string));
    const verified = await t.api('POST', `/v1/authentications/${started.json['authentication'].id}/verify`, {
      tenantId: t.tenantId,
      challengeId: started.json['challengeId'],
      webauthnResponseJson: JSON.stringify(answer),
    });
    expect(verified.status).toBe(200);
    expect(verified.json['authentication']).toMatchObject({ status: 'SUCCEEDED', userId });
    expect(verified.json['assertion']).toMatchObject({ acr: 'aal2', amr: ['hwk', 'user'] });
  });

  it('over gRPC: the same sign-in, and the same answers for bad input', async () => {
    const t = await tenant({ mfaMode: 'always' });
    const { userId, secret, factorId } = await t.customer();
    const metadata = new Metadata();
    metadata.set('authorization', `Bearer ${t.runtimeKey}`);
    const grpc = stack.grpc;
    const started = await grpc.call(
      'startAuthentication',
      gatewayV1.StartAuthenticationRequest.fromJSON({
        tenantId: t.tenantId,
        userId,
        password: PASSWORD,
        context: { ip: freshIp(), userAgent: BROWSER },
      }),
      { metadata },
    );
    expect(started.authentication?.status).toBe('CHALLENGE_REQUIRED');
    const id = started.authentication!.id;
    const challenge = await grpc.call(
      'startAuthenticationChallenge',
      { tenantId: t.tenantId, authenticationId: id, factorId, locale: '' },
      { metadata },
    );
    const verified = await grpc.call(
      'verifyAuthentication',
      gatewayV1.VerifyAuthenticationRequest.fromJSON({
        tenantId: t.tenantId,
        authenticationId: id,
        challengeId: challenge.challengeId,
        code: totp(secret),
      }),
      { metadata },
    );
    expect(verified.assertion?.acr).toBe('aal2');
    await expect(
      grpc.call(
        'startAuthentication',
        gatewayV1.StartAuthenticationRequest.fromJSON({ tenantId: t.tenantId, context: { ip: 'nope' } }),
        { metadata },
      ),
    ).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
  });

  it('serves its OpenAPI 3.1 document and the interactive page without a credential', async () => {
    const document = await stack.http('GET', '/openapi.json', undefined, { auth: false });
    expect(document.status).toBe(200);
    expect(document.json['openapi']).toBe('3.1.0');
    expect(Object.keys(document.json['paths'] as object)).toEqual(
      expect.arrayContaining(['/v1/authentications', '/v1/step-ups', '/.well-known/jwks.json']),
    );
    const page = await stack.http('GET', '/docs', undefined, { auth: false });
    expect([page.status, page.contentType]).toEqual([200, expect.stringContaining('text/html')]);
  });

  it('falls back to the fail mode, never allow, when risk does not answer (SECURITY.md 34)', async () => {
    const t = await tenant();
    const { userId } = await t.customer();
    const normal = await t.signIn({ userId, password: PASSWORD });
    expect(normal.json['authentication'].status).toBe('SUCCEEDED');
    expect(normal.json['assertion']).toMatchObject({ acr: 'aal1', amr: ['pwd'] });
    await stack.risk.stop();
    const fallback = await t.signIn({ userId, password: PASSWORD });
    expect(fallback.json['authentication']).toMatchObject({
      status: 'CHALLENGE_REQUIRED',
      risk: {
        fallback: true,
        decision: 'challenge',
        reasons: [expect.objectContaining({ code: 'RISK_UNAVAILABLE' })],
      },
    });
    expect(fallback.json['assertion']).toBeUndefined();
  });
});
