import { randomUUID } from 'node:crypto';
import { credentials } from '@grpc/grpc-js';
import { NodeCryptoPlugin } from '@otplib/plugin-crypto-node';
import {
  isAllowed,
  isChallengeRequired,
  isDenied,
  isPortcullisError,
  PortcullisClient,
  PortcullisGrpcClient,
  paymentAction,
  runCli,
} from '@portcullis/sdk';
import { eventually } from '@portcullis/testing';
import { generateSync } from 'otplib';
import { SliceStack } from '../src';

const crypto = new NodeCryptoPlugin();
const totp = (secret: string, offsetSeconds = 0) =>
  generateSync({ secret, epoch: Math.floor(Date.now() / 1000) + offsetSeconds, crypto });
const BROWSER = 'Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0';

/**
 * The journeys of BRIEF.md as a product backend and a tenant administrator live them: through the
 * TypeScript SDK (HTTP and gRPC) and the `portcullis` CLI, against every service as a process.
 */
describe('the product journeys through the SDK and the CLI', () => {
  const stack = new SliceStack();

  beforeAll(async () => {
    await stack.start();
  });

  afterAll(async () => {
    await stack.stop();
  });

  /** Runs the CLI in-process with the SDK's HTTP client; returns its exit status and output. */
  async function cli(key: string, ...argv: string[]) {
    const out: string[] = [];
    const err: string[] = [];
    const status = await runCli(
      argv,
      {
        out: (l) => out.push(l),
        err: (l) => err.push(l),
        env: { PORTCULLIS_URL: stack.httpUrl, PORTCULLIS_API_KEY: key },
      },
      ({ url, key: apiKey }) => new PortcullisClient({ baseUrl: url, apiKey }),
    );
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the CLI's JSON, read loosely
    const json = (out.length ? JSON.parse(out.join('\n')) : {}) as Record<string, any>;
    return { status, json, err: err.join('\n') };
  }

  it('sets up a tenant, registers and enrols a customer, signs in with MFA, steps up a payment, and shows it all in the audit log', async () => {
    // 1. Tenant setup (CLI): the operator creates the tenant and its admin key; the admin sets
    //    the risk policy and creates the backend's runtime key.
    const tenant = await cli(stack.adminToken, 'tenants', 'create', '--name', 'SDK Bank');
    expect(tenant.status).toBe(0);
    const tenantId = tenant.json['tenant'].id as string;
    const admin = await cli(
      stack.adminToken,
      'api-keys',
      'create',
      '--tenant',
      tenantId,
      '--name',
      'ops',
      '--scope',
      'admin',
    );
    const adminKey = admin.json['secret'] as string;
    const policy = await cli(
      adminKey,
      'risk-policy',
      'set',
      '--tenant',
      tenantId,
      '--mfa-mode',
      'always',
      '--step-up',
      'payment:100:EUR',
    );
    expect(policy.status).toBe(0);
    expect(policy.json['policy']).toMatchObject({
      mfaMode: 'always',
      stepUpRules: [{ actionType: 'payment', minAmount: '100', currency: 'EUR', decision: 'challenge' }],
    });
    const refused = await cli(
      adminKey,
      'risk-policy',
      'set',
      '--tenant',
      tenantId,
      '--challenge-at',
      '90',
      '--deny-at',
      '50',
    );
    expect([refused.status, JSON.parse(refused.err).code]).toEqual([1, 'VALIDATION_FAILED']);
    const runtime = await cli(
      adminKey,
      'api-keys',
      'create',
      '--tenant',
      tenantId,
      '--name',
      'shop',
      '--scope',
      'runtime',
    );
    const backend = new PortcullisClient({
      baseUrl: stack.httpUrl,
      apiKey: runtime.json['secret'] as string,
      tenantId,
    });

    // 2. Registration and 3. enrolment.
    const { user } = await backend.createUser({
      externalId: `shopper-${randomUUID()}`,
      email: `${randomUUID()}@example.com`,
    });
    await backend.setPassword({ userId: user.id, password: 'a long and private passphrase' });
    const begun = await backend.beginFactorEnrollment({ userId: user.id, type: 'totp' });
    const secret = begun.totp!.secret;
    const { factor } = await backend.activateFactor({
      userId: user.id,
      enrollmentId: begun.enrollmentId,
      proof: { code: totp(secret, -30) },
    });

    // 4. Sign-in: password, then the challenge the policy asks for.
    const context = { ip: '192.0.2.44', userAgent: BROWSER, deviceId: 'laptop-1', deviceToken: '' };
    const wrong = await backend.startAuthentication({ userId: user.id, password: 'nope', context });
    expect(isDenied(wrong.authentication)).toBe(true);
    const started = await backend.startAuthentication({
      userId: user.id,
      password: 'a long and private passphrase',
      context,
    });
    expect(isChallengeRequired(started.authentication)).toBe(true);
    const challenge = await backend.startAuthenticationChallenge({
      authenticationId: started.authentication.id,
      factorId: factor.id,
    });
    const badCode = await backend
      .verifyAuthentication({
        authenticationId: started.authentication.id,
        challengeId: challenge.challengeId,
        code: '000000',
      })
      .catch((e: unknown) => e);
    expect(isPortcullisError(badCode) && [badCode.code, badCode.attemptsRemaining]).toEqual([
      'CODE_INVALID',
      4,
    ]);
    const signedIn = await backend.verifyAuthentication({
      authenticationId: started.authentication.id,
      challengeId: challenge.challengeId,
      code: totp(secret),
      rememberDevice: true,
    });
    expect(isAllowed(signedIn.authentication)).toBe(true);
    expect(signedIn.assertion).toMatchObject({ acr: 'aal2', amr: ['pwd', 'otp'] });
    const introspected = await backend.introspectAssertion({ token: signedIn.assertion!.token });
    expect(introspected).toMatchObject({ active: true, userId: user.id });

    // 6. Step-up for a payment, approved with TOTP and bound to its details.
    const payment = paymentAction({ amount: '250.00', currency: 'EUR', payee: 'ACME Ltd' });
    const stepUp = await backend.startStepUp({
      userId: user.id,
      action: payment,
      context: { ...context, deviceToken: signedIn.deviceToken!.token },
    });
    expect(isChallengeRequired(stepUp.authentication)).toBe(true);
    const stepChallenge = await backend.startAuthenticationChallenge({
      authenticationId: stepUp.authentication.id,
      factorId: factor.id,
    });
    const approved = await backend.verifyAuthentication({
      authenticationId: stepUp.authentication.id,
      challengeId: stepChallenge.challengeId,
      code: totp(secret, 30),
    });
    expect(
      (await backend.introspectAssertion({ token: approved.assertion!.token, action: payment })).active,
    ).toBe(true);
    expect(
      (
        await backend.introspectAssertion({
          token: approved.assertion!.token,
          action: { ...payment, amount: '2500.00' },
        })
      ).errorCode,
    ).toBe('ASSERTION_ACTION_MISMATCH');

    // The same API over gRPC.
    const grpc = new PortcullisGrpcClient({
      address: stack.grpcAddress,
      apiKey: runtime.json['secret'] as string,
      tenantId,
      credentials: credentials.createInsecure(),
    });
    try {
      const overGrpc = await grpc.startAuthentication({
        userId: user.id,
        password: 'a long and private passphrase',
        context,
      });
      expect(isChallengeRequired(overGrpc.authentication)).toBe(true);
      expect((await grpc.listFactors({ userId: user.id })).factors.map((f) => f.type)).toEqual(['totp']);
    } finally {
      grpc.close();
    }

    // 9. Watching: the audit log holds the sign-ins, the risk decisions and the policy change.
    const adminClient = new PortcullisClient({ baseUrl: stack.httpUrl, apiKey: adminKey, tenantId });
    await eventually(
      async () => {
        const { events } = await adminClient.listAuditEvents({ pageSize: 200 });
        const types = new Set(events.map((e) => e.type));
        for (const type of [
          'identity.user.created',
          'identity.password.set',
          'factors.totp.enrolled',
          'gateway.authentication.failed',
          'gateway.authentication.succeeded',
          'risk.attempt.scored',
          'risk.policy.updated',
        ]) {
          expect(types).toContain(type);
        }
      },
      { timeoutMs: 60_000 },
    );
  }, 120_000);
});
