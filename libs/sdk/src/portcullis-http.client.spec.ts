import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { inspect } from 'node:util';
import { gatewayV1 } from '@portcullis/contracts';
import {
  actionDetails,
  isAllowed,
  isPortcullisError,
  PortcullisClient,
  type PortcullisClientOptions,
  PortcullisError,
  toDate,
} from './index';

const TENANT = '0b4f5c8e-6a1d-4c2b-9e3f-1a2b3c4d5e6f';
const OTHER_TENANT = '7d9e1f20-3b4c-4d5e-8f60-718293a4b5c6';
const USER = '5f0c2a7e-9d41-4e8b-a3c6-2b7d9e1f4a50';
const FACTOR = 'a7f2c9e1-3b5d-4f80-9c1e-2d4b6f8a0c13';
const ENROLLMENT = '3c9e1a5b-7d2f-4e60-8b1c-9a0d2e4f6b81';
const AUTHENTICATION = 'e1d2c3b4-a596-4788-9960-5a4b3c2d1e0f';
const CHALLENGE = '6f1d8e2a-4c7b-4a93-b5e0-1c3d5f7a9b2e';
const DEVICE = '2a4c6e80-1b3d-4f57-9a1c-3e5f7a9b1d2c';
const API_KEY = 'pk_test_0123456789abcdef.s3cr3t-Th4t-Must-N3ver-Leak';
const CREATE_TIME = { seconds: '1767225600', nanos: 0 }; // 2026-01-01T00:00:00Z

const user = gatewayV1.User.toJSON({
  id: USER,
  tenantId: TENANT,
  externalId: 'customer-42',
  email: 'jane@example.com',
  phoneNumber: '',
  status: 'ACTIVE',
  createTime: CREATE_TIME,
});

/** One body that satisfies every operation's required fields (fromJSON ignores the rest). */
const ANY_ANSWER = {
  tenant: { id: TENANT, name: 'Acme', status: 'ACTIVE' },
  user,
  key: { id: 'pk_test_0123456789abcdef', tenantId: TENANT, scope: 'runtime' },
  keys: [],
  factor: { id: FACTOR, type: 'totp', status: 'ACTIVE' },
  authentication: { id: AUTHENTICATION, tenantId: TENANT, status: 'CHALLENGE_REQUIRED' },
  token: { tokenId: DEVICE },
  policy: {},
  result: { intact: true, checked: '3' },
  kpis: { tenantId: TENANT },
  settings: { lossValuePerTakeover: '1500.00', currency: 'EUR' },
};

/** proto3 JSON of an audit event with the given sequence. */
const auditEvent = (sequence: number) =>
  gatewayV1.AuditEvent.toJSON(
    gatewayV1.AuditEvent.fromJSON({
      eventId: `e-${sequence}`,
      tenantId: TENANT,
      type: 'factors.challenge.failed',
      userId: USER,
      occurTime: '2026-01-01T00:00:00Z',
      dataJson: '{"note":"naïve ✓"}',
      sequence: String(sequence),
      outcome: 'failure',
      hash: 'ab'.repeat(32),
    }),
  );
const ndjson = (...sequences: number[]) =>
  sequences.map((n) => `${JSON.stringify(auditEvent(n))}\n`).join('');
const NDJSON_HEADERS = { 'content-type': 'application/x-ndjson; charset=utf-8' };

/** Everything an async iterable yields. */
async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const item of items) all.push(item);
  return all;
}

interface Recorded {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: unknown;
}

interface Reply {
  readonly status?: number;
  readonly headers?: Record<string, string>;
  /** An object is sent as JSON; a string as it is. */
  readonly body?: unknown;
  readonly delayMs?: number;
  /** Writes the answer itself (streams, cut-off bodies), after the recorded request. */
  readonly stream?: (res: ServerResponse) => void;
}

/** ANY_ANSWER, or two audit events as NDJSON for the export. */
const defaultReply = (request: Recorded): Reply =>
  request.url.includes('/audit/export')
    ? { headers: NDJSON_HEADERS, body: ndjson(1, 2) }
    : { body: ANY_ANSWER };

/** A local stand-in for the gateway: records each request and answers with `reply`. */
class GatewayStandIn {
  readonly requests: Recorded[] = [];
  reply: (request: Recorded) => Reply = defaultReply;
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const recorded: Recorded = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: raw === '' ? undefined : JSON.parse(raw),
      };
      this.requests.push(recorded);
      const reply = this.reply(recorded);
      if (reply.stream) {
        reply.stream(res);
        return;
      }
      const send = () => {
        const isText = typeof reply.body === 'string';
        res.writeHead(reply.status ?? 200, {
          ...(reply.body === undefined ? {} : { 'content-type': isText ? 'text/html' : 'application/json' }),
          ...reply.headers,
        });
        res.end(reply.body === undefined ? undefined : isText ? reply.body : JSON.stringify(reply.body));
      };
      if (reply.delayMs === undefined) send();
      else {
        const timer = setTimeout(() => {
          this.timers.delete(timer);
          if (!res.destroyed) send();
        }, reply.delayMs);
        this.timers.add(timer);
      }
    });
  });

  url = '';

  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    for (const timer of this.timers) clearTimeout(timer);
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  get last(): Recorded {
    const last = this.requests.at(-1);
    if (!last) throw new Error('no request was recorded');
    return last;
  }
}

/** The error a promise rejects with (fails the test if it resolves). */
async function failure(promise: Promise<unknown>): Promise<PortcullisError> {
  const outcome = await promise.then(
    () => undefined,
    (error: unknown) => error,
  );
  if (!isPortcullisError(outcome)) throw new Error(`expected a PortcullisError, got ${inspect(outcome)}`);
  return outcome;
}

/** Every way an error could be printed or serialised. */
const renderings = (error: unknown) => [
  String(error),
  (error as Error).message,
  (error as Error).stack ?? '',
  JSON.stringify(error),
  inspect(error, { depth: 10, showHidden: true }),
];

describe('PortcullisClient (HTTP)', () => {
  const gateway = new GatewayStandIn();
  let client: PortcullisClient;
  const newClient = (options: Partial<PortcullisClientOptions> = {}) =>
    new PortcullisClient({ baseUrl: gateway.url, apiKey: API_KEY, tenantId: TENANT, ...options });

  beforeAll(() => gateway.start());
  afterAll(() => gateway.stop());
  beforeEach(() => {
    gateway.requests.length = 0;
    gateway.reply = defaultReply;
    client = newClient();
  });

  describe('routes', () => {
    const cases: [string, (c: PortcullisClient) => Promise<unknown>, string, string][] = [
      ['createTenant', (c) => c.createTenant({ name: 'Acme' }), 'POST', '/v1/tenants'],
      [
        'createApiKey',
        (c) => c.createApiKey({ name: 'backend', scope: 'runtime' }),
        'POST',
        `/v1/tenants/${TENANT}/api-keys`,
      ],
      ['listApiKeys', (c) => c.listApiKeys(), 'GET', `/v1/tenants/${TENANT}/api-keys`],
      [
        'revokeApiKey',
        (c) => c.revokeApiKey({ keyId: 'pk_test_0123456789abcdef' }),
        'DELETE',
        `/v1/tenants/${TENANT}/api-keys/pk_test_0123456789abcdef`,
      ],
      ['createUser', (c) => c.createUser({ externalId: 'customer-42' }), 'POST', '/v1/users'],
      ['getUser', (c) => c.getUser({ userId: USER }), 'GET', `/v1/users/${USER}?tenantId=${TENANT}`],
      [
        'findUserByExternalId',
        (c) => c.findUserByExternalId({ externalId: 'customer 42/a&b' }),
        'GET',
        `/v1/users?tenantId=${TENANT}&externalId=customer+42%2Fa%26b`,
      ],
      [
        'setPassword',
        (c) => c.setPassword({ userId: USER, password: 'pw' }),
        'PUT',
        `/v1/users/${USER}/password`,
      ],
      ['lockUser', (c) => c.lockUser({ userId: USER, reason: 'fraud' }), 'POST', `/v1/users/${USER}/lock`],
      ['unlockUser', (c) => c.unlockUser({ userId: USER, reason: 'ok' }), 'POST', `/v1/users/${USER}/unlock`],
      [
        'beginFactorEnrollment',
        (c) => c.beginFactorEnrollment({ userId: USER, type: 'totp' }),
        'POST',
        `/v1/users/${USER}/factors`,
      ],
      [
        'activateFactor',
        (c) => c.activateFactor({ userId: USER, enrollmentId: ENROLLMENT, proof: { code: '123456' } }),
        'POST',
        `/v1/users/${USER}/enrollments/${ENROLLMENT}/activate`,
      ],
      [
        'listFactors',
        (c) => c.listFactors({ userId: USER, includeRemoved: true }),
        'GET',
        `/v1/users/${USER}/factors?tenantId=${TENANT}&includeRemoved=true`,
      ],
      [
        'updateFactor',
        (c) => c.updateFactor({ userId: USER, factorId: FACTOR, name: 'Phone' }),
        'PATCH',
        `/v1/users/${USER}/factors/${FACTOR}`,
      ],
      [
        'removeFactor',
        (c) => c.removeFactor({ userId: USER, factorId: FACTOR }),
        'DELETE',
        `/v1/users/${USER}/factors/${FACTOR}?tenantId=${TENANT}`,
      ],
      [
        'resetFactors',
        (c) => c.resetFactors({ userId: USER, reason: 'lost phone' }),
        'POST',
        `/v1/users/${USER}/factors/reset`,
      ],
      ['startAuthentication', (c) => c.startAuthentication({ userId: USER }), 'POST', '/v1/authentications'],
      [
        'startStepUp',
        (c) => c.startStepUp({ userId: USER, action: { type: 'payment' } }),
        'POST',
        '/v1/step-ups',
      ],
      ['startPasswordless', (c) => c.startPasswordless(), 'POST', '/v1/passwordless'],
      [
        'getAuthentication',
        (c) => c.getAuthentication({ authenticationId: AUTHENTICATION }),
        'GET',
        `/v1/authentications/${AUTHENTICATION}?tenantId=${TENANT}`,
      ],
      [
        'startAuthenticationChallenge',
        (c) => c.startAuthenticationChallenge({ authenticationId: AUTHENTICATION, factorId: FACTOR }),
        'POST',
        `/v1/authentications/${AUTHENTICATION}/challenges`,
      ],
      [
        'verifyAuthentication',
        (c) =>
          c.verifyAuthentication({ authenticationId: AUTHENTICATION, challengeId: CHALLENGE, code: '1' }),
        'POST',
        `/v1/authentications/${AUTHENTICATION}/verify`,
      ],
      [
        'introspectAssertion',
        (c) => c.introspectAssertion({ token: 'jwt' }),
        'POST',
        '/v1/assertions/introspect',
      ],
      ['jwks', (c) => c.jwks(), 'GET', '/.well-known/jwks.json'],
      [
        'listDeviceTokens',
        (c) => c.listDeviceTokens({ userId: USER }),
        'GET',
        `/v1/users/${USER}/devices?tenantId=${TENANT}`,
      ],
      [
        'revokeDeviceToken',
        (c) => c.revokeDeviceToken({ userId: USER, tokenId: DEVICE }),
        'DELETE',
        `/v1/users/${USER}/devices/${DEVICE}?tenantId=${TENANT}`,
      ],
      ['getAuthPolicy', (c) => c.getAuthPolicy(), 'GET', `/v1/tenants/${TENANT}/auth-policy`],
      ['setAuthPolicy', (c) => c.setAuthPolicy({ policy: {} }), 'PUT', `/v1/tenants/${TENANT}/auth-policy`],
      ['getRiskPolicy', (c) => c.getRiskPolicy(), 'GET', `/v1/tenants/${TENANT}/risk-policy`],
      ['setRiskPolicy', (c) => c.setRiskPolicy({ policy: {} }), 'PUT', `/v1/tenants/${TENANT}/risk-policy`],
      ['getFactorPolicy', (c) => c.getFactorPolicy(), 'GET', `/v1/tenants/${TENANT}/factor-policy`],
      [
        'setFactorPolicy',
        (c) => c.setFactorPolicy({ policy: {} }),
        'PUT',
        `/v1/tenants/${TENANT}/factor-policy`,
      ],
      [
        'listAuditEvents',
        (c) => c.listAuditEvents({ userId: USER, pageSize: 50, pageToken: 'next' }),
        'GET',
        `/v1/audit/events?tenantId=${TENANT}&userId=${USER}&pageSize=50&pageToken=next`,
      ],
      [
        'listAuditEvents',
        (c) =>
          c.listAuditEvents({
            type: 'identity.',
            outcome: 'success',
            fromTime: '2026-01-01T00:00:00Z',
            toTime: new Date('2026-01-02T00:00:00Z'),
          }),
        'GET',
        `/v1/audit/events?tenantId=${TENANT}&type=identity.&outcome=success` +
          '&fromTime=2026-01-01T00%3A00%3A00.000Z&toTime=2026-01-02T00%3A00%3A00.000Z',
      ],
      [
        'exportAuditEvents',
        (c) =>
          collect(
            c.exportAuditEvents({
              type: 'factors.',
              outcome: 'failure',
              fromTime: new Date('2026-01-01T00:00:00Z'),
              toTime: '2026-02-01T00:00:00+01:00',
            }),
          ),
        'GET',
        `/v1/tenants/${TENANT}/audit/export?type=factors.&outcome=failure` +
          '&fromTime=2026-01-01T00%3A00%3A00.000Z&toTime=2026-01-31T23%3A00%3A00.000Z',
      ],
      ['verifyAuditLog', (c) => c.verifyAuditLog(), 'GET', `/v1/tenants/${TENANT}/audit/verify`],
      [
        'getMfaKpis',
        (c) => c.getMfaKpis({ fromTime: { seconds: '1767225600' } }),
        'GET',
        `/v1/tenants/${TENANT}/kpis?fromTime=2026-01-01T00%3A00%3A00.000Z`,
      ],
      ['getKpiSettings', (c) => c.getKpiSettings(), 'GET', `/v1/tenants/${TENANT}/kpi-settings`],
      [
        'setKpiSettings',
        (c) => c.setKpiSettings({ settings: { lossValuePerTakeover: '1500.00', currency: 'EUR' } }),
        'PUT',
        `/v1/tenants/${TENANT}/kpi-settings`,
      ],
      [
        'startChallenge',
        (c) => c.startChallenge({ authenticationId: AUTHENTICATION, userId: USER, factorId: FACTOR }),
        'POST',
        '/v1/challenges',
      ],
      [
        'verifyChallenge',
        (c) =>
          c.verifyChallenge({
            challengeId: CHALLENGE,
            authenticationId: AUTHENTICATION,
            proof: { code: '1' },
          }),
        'POST',
        `/v1/challenges/${CHALLENGE}/verify`,
      ],
    ];

    it.each(cases)('%s → %s %s', async (name, call, method, url) => {
      if (name === 'setPassword') gateway.reply = () => ({ status: 204 });
      await call(client);

      expect(gateway.requests).toHaveLength(1);
      expect(gateway.last.method).toBe(method);
      expect(gateway.last.url).toBe(url);
      const { headers } = gateway.last;
      // The JWKS is public: the key is not sent where it is not needed.
      expect(headers.authorization).toBe(name === 'jwks' ? undefined : `Bearer ${API_KEY}`);
      expect(headers.accept).toBe(
        name === 'exportAuditEvents'
          ? 'application/x-ndjson, application/problem+json'
          : 'application/json, application/problem+json',
      );
      expect(headers['user-agent']).toMatch(/^portcullis-sdk-node\/\d+\.\d+\.\d+$/);
      if (method === 'GET' || method === 'DELETE') {
        expect(headers['content-type']).toBeUndefined();
        expect(gateway.last.body).toBeUndefined();
      } else {
        expect(headers['content-type']).toBe('application/json');
        expect(typeof gateway.last.body).toBe('object');
      }
    });

    it('covers every operation of the client', () => {
      const methods = Object.getOwnPropertyNames(Object.getPrototypeOf(PortcullisClient.prototype)).filter(
        (name) =>
          name !== 'constructor' &&
          !['authorization', 'scrubbed', 'run', 'send', 'stream', 'messageOf', 'tenantId'].includes(name),
      );
      expect(methods.filter((name) => !cases.some(([covered]) => covered === name))).toEqual([]);
    });
  });

  describe('bodies', () => {
    it('sends the proto3 JSON of the request, without default values', async () => {
      await client.createUser({ externalId: 'customer-42', email: 'jane@example.com', phoneNumber: '' });
      expect(gateway.last.body).toEqual({
        tenantId: TENANT,
        externalId: 'customer-42',
        email: 'jane@example.com',
      });
    });

    it('sends the login, password and client context of a sign-in', async () => {
      await client.startAuthentication({
        email: 'jane@example.com',
        password: 'correct horse',
        context: { ip: '203.0.113.7', userAgent: 'Mozilla/5.0' },
      });
      expect(gateway.last.body).toEqual({
        tenantId: TENANT,
        email: 'jane@example.com',
        password: 'correct horse',
        context: { ip: '203.0.113.7', userAgent: 'Mozilla/5.0' },
      });
    });

    it('leaves path parameters out of the body', async () => {
      await client.verifyAuthentication({
        authenticationId: AUTHENTICATION,
        challengeId: CHALLENGE,
        code: '123456',
        rememberDevice: true,
      });
      expect(gateway.last.body).toEqual({
        tenantId: TENANT,
        challengeId: CHALLENGE,
        code: '123456',
        rememberDevice: true,
      });

      await client.activateFactor({
        userId: USER,
        enrollmentId: ENROLLMENT,
        proof: { webauthnResponseJson: '{}' },
      });
      expect(gateway.last.body).toEqual({ tenantId: TENANT, proof: { webauthnResponseJson: '{}' } });
    });

    it('sends a step-up action as built by actionDetails()', async () => {
      const action = actionDetails({ type: 'payment', amount: '120.00', currency: 'eur', payee: 'ACME Ltd' });
      await client.startStepUp({ userId: USER, action, context: { ip: '2001:db8::1' } });
      expect(gateway.last.body).toEqual({
        tenantId: TENANT,
        userId: USER,
        action: { type: 'payment', amount: '120.00', currency: 'EUR', payee: 'ACME Ltd' },
        context: { ip: '2001:db8::1' },
      });
    });

    it('puts the factor policy itself, and the auth and risk policies as { policy }', async () => {
      await client.setFactorPolicy({ policy: { allowedTypes: ['totp', 'webauthn'], maxFailedAttempts: 5 } });
      expect(gateway.last.body).toEqual({ allowedTypes: ['totp', 'webauthn'], maxFailedAttempts: 5 });

      await client.setAuthPolicy({ policy: { assertionLifetimeSeconds: 120, withoutFactors: 'allow' } });
      expect(gateway.last.body).toEqual({
        policy: { assertionLifetimeSeconds: 120, withoutFactors: 'allow' },
      });

      await client.setRiskPolicy({ policy: { mfaMode: 'risk_based', challengeThreshold: 40 } });
      expect(gateway.last.body).toEqual({ policy: { mfaMode: 'risk_based', challengeThreshold: 40 } });
    });
  });

  describe('headers', () => {
    it('sends Idempotency-Key on POSTs', async () => {
      await client.startAuthentication({ userId: USER }, { idempotencyKey: 'signin-8f14e45f' });
      expect(gateway.last.headers['idempotency-key']).toBe('signin-8f14e45f');

      await client.createUser({ externalId: 'customer-42' });
      expect(gateway.last.headers['idempotency-key']).toBeUndefined();
    });

    it('refuses an Idempotency-Key the gateway would refuse, before sending anything', async () => {
      await expect(client.createUser({ externalId: 'x' }, { idempotencyKey: 'ünïcode' })).rejects.toThrow(
        TypeError,
      );
      expect(gateway.requests).toHaveLength(0);
    });

    it('sends the end user IP as X-End-User-IP, not in the body', async () => {
      await client.beginFactorEnrollment({ userId: USER, type: 'sms_otp' }, { endUserIp: '198.51.100.23' });
      expect(gateway.last.headers['x-end-user-ip']).toBe('198.51.100.23');
      expect(gateway.last.body).toEqual({ tenantId: TENANT, type: 'sms_otp' });

      await client.startChallenge(
        { authenticationId: AUTHENTICATION, userId: USER, factorId: FACTOR },
        { endUserIp: '198.51.100.23', idempotencyKey: 'send-1' },
      );
      expect(gateway.last.headers['x-end-user-ip']).toBe('198.51.100.23');
      expect(gateway.last.headers['idempotency-key']).toBe('send-1');
      expect(gateway.last.body).toEqual({
        tenantId: TENANT,
        authenticationId: AUTHENTICATION,
        userId: USER,
        factorId: FACTOR,
      });
    });

    it('sends the MFA proof of a factor removal as X-MFA-Proof, never in the URL', async () => {
      await client.removeFactor({ userId: USER, factorId: FACTOR, mfaProof: CHALLENGE });
      expect(gateway.last.headers['x-mfa-proof']).toBe(CHALLENGE);
      expect(gateway.last.url).not.toContain(CHALLENGE);
    });

    it('sends the configured User-Agent', async () => {
      await newClient({ userAgent: 'acme-shop/3.1' }).getUser({ userId: USER });
      expect(gateway.last.headers['user-agent']).toBe('acme-shop/3.1');
    });

    it('keeps a base URL path prefix', async () => {
      await newClient({ baseUrl: `${gateway.url}/mfa/` }).getUser({ userId: USER });
      expect(gateway.last.url).toBe(`/mfa/v1/users/${USER}?tenantId=${TENANT}`);
    });
  });

  describe('tenant', () => {
    it('uses the tenant given per call over the client default', async () => {
      await client.createUser({ tenantId: OTHER_TENANT, externalId: 'x' });
      expect(gateway.last.body).toMatchObject({ tenantId: OTHER_TENANT });

      await client.listApiKeys({ tenantId: OTHER_TENANT });
      expect(gateway.last.url).toBe(`/v1/tenants/${OTHER_TENANT}/api-keys`);
    });

    it('refuses a call without a tenant, before sending anything', async () => {
      const noDefault = newClient({ tenantId: undefined });
      await expect(noDefault.getUser({ userId: USER })).rejects.toThrow(/tenantId is required/);
      await expect(noDefault.listApiKeys()).rejects.toThrow(TypeError);
      expect(gateway.requests).toHaveLength(0);

      // The operator's CreateTenant names no tenant.
      await noDefault.createTenant({ name: 'Acme' });
      expect(gateway.last.body).toEqual({ name: 'Acme' });
    });
  });

  describe('answers', () => {
    it('are the generated messages, with Timestamps as { seconds, nanos }', async () => {
      const { user: created } = await client.createUser({ externalId: 'customer-42' });
      expect(created).toEqual({
        id: USER,
        tenantId: TENANT,
        externalId: 'customer-42',
        email: 'jane@example.com',
        phoneNumber: '',
        status: 'ACTIVE',
        createTime: CREATE_TIME,
      });
      expect(toDate(created.createTime)?.toISOString()).toBe('2026-01-01T00:00:00.000Z');
    });

    it('carry the assertion of a successful verification', async () => {
      gateway.reply = () => ({
        status: 200,
        body: gatewayV1.VerifyAuthenticationResponse.toJSON({
          authentication: {
            ...gatewayV1.Authentication.fromJSON({ id: AUTHENTICATION, tenantId: TENANT, userId: USER }),
            status: 'SUCCEEDED',
            amr: ['otp'],
          },
          assertion: { token: 'eyJ.x.y', expireTime: CREATE_TIME, amr: ['otp'], acr: 'aal2' },
          deviceToken: undefined,
        }),
      });
      const done = await client.verifyAuthentication({
        authenticationId: AUTHENTICATION,
        challengeId: CHALLENGE,
        code: '123456',
      });
      expect(isAllowed(done.authentication)).toBe(true);
      expect(done.assertion).toEqual({
        token: 'eyJ.x.y',
        expireTime: CREATE_TIME,
        amr: ['otp'],
        acr: 'aal2',
      });
      expect(done.deviceToken).toBeUndefined();
    });

    it('of 204 No Content resolve to nothing', async () => {
      gateway.reply = () => ({ status: 204 });
      await expect(client.setPassword({ userId: USER, password: 'pw' })).resolves.toBeUndefined();
    });

    it('without a field the gateway always sets are UNEXPECTED_RESPONSE', async () => {
      gateway.reply = () => ({ status: 201, body: {} });
      const error = await failure(client.createUser({ externalId: 'x' }));
      expect(error.code).toBe('UNEXPECTED_RESPONSE');
      expect(error.detail).toMatch(/lacks user/);
    });

    it('that are not JSON objects are UNEXPECTED_RESPONSE', async () => {
      gateway.reply = () => ({ status: 200, body: '<html>hello</html>' });
      const error = await failure(client.getUser({ userId: USER }));
      expect(error).toMatchObject({ code: 'UNEXPECTED_RESPONSE', status: 200 });
    });

    it('return the JWKS as a JWK Set', async () => {
      const jwks = {
        keys: [{ kty: 'EC', crv: 'P-256', alg: 'ES256', use: 'sig', kid: 'k1', x: 'x', y: 'y' }],
      };
      gateway.reply = () => ({ body: jwks });
      await expect(client.jwks()).resolves.toEqual(jwks);
    });
  });

  describe('errors', () => {
    it('turn problem details into a PortcullisError with every field', async () => {
      gateway.reply = () => ({
        status: 400,
        headers: { 'content-type': 'application/problem+json' },
        body: {
          type: 'https://portcullis.dev/problems/validation-failed',
          title: 'Validation failed',
          status: 400,
          detail: 'Invalid request: email: must be an email address',
          code: 'VALIDATION_FAILED',
          instance: '/v1/users',
          traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
          errors: [{ field: 'email', description: 'must be an email address' }],
        },
      });
      const error = await failure(client.createUser({ externalId: 'x', email: 'nope' }));
      expect(error).toBeInstanceOf(PortcullisError);
      expect(error).toBeInstanceOf(Error);
      expect(error).toMatchObject({
        name: 'PortcullisError',
        status: 400,
        code: 'VALIDATION_FAILED',
        detail: 'Invalid request: email: must be an email address',
        violations: [{ field: 'email', description: 'must be an email address' }],
        attemptsRemaining: undefined,
        retryAfterSeconds: undefined,
        traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
        type: 'https://portcullis.dev/problems/validation-failed',
        instance: '/v1/users',
      });
      expect(error.message).toBe('VALIDATION_FAILED: Invalid request: email: must be an email address');
    });

    it('carry attemptsRemaining and retryAfterSeconds', async () => {
      gateway.reply = () => ({
        status: 400,
        headers: { 'content-type': 'application/problem+json' },
        body: { status: 400, code: 'CODE_INVALID', detail: 'The code is not valid', attemptsRemaining: 2 },
      });
      expect(
        await failure(
          client.verifyChallenge({ challengeId: CHALLENGE, authenticationId: 'a', proof: { code: '0' } }),
        ),
      ).toMatchObject({ code: 'CODE_INVALID', attemptsRemaining: 2, retryAfterSeconds: undefined });

      gateway.reply = () => ({
        status: 429,
        headers: { 'content-type': 'application/problem+json', 'retry-after': '840' },
        body: {
          status: 429,
          code: 'FACTOR_LOCKED',
          detail: 'Too many failed attempts',
          retryAfterSeconds: 840,
        },
      });
      expect(
        await failure(
          client.verifyChallenge({ challengeId: CHALLENGE, authenticationId: 'a', proof: { code: '0' } }),
        ),
      ).toMatchObject({ status: 429, code: 'FACTOR_LOCKED', retryAfterSeconds: 840 });
    });

    it('take retryAfterSeconds from Retry-After when the body lacks it', async () => {
      gateway.reply = () => ({
        status: 429,
        headers: { 'content-type': 'application/problem+json', 'retry-after': '30' },
        body: { status: 429, code: 'RATE_LIMITED', detail: 'Too many requests; retry later' },
      });
      expect(await failure(client.getUser({ userId: USER }))).toMatchObject({
        code: 'RATE_LIMITED',
        retryAfterSeconds: 30,
      });
    });

    it('of something other than the gateway are UNEXPECTED_RESPONSE with the status', async () => {
      gateway.reply = () => ({ status: 502, body: '<html><body>Bad Gateway</body></html>' });
      const error = await failure(client.getUser({ userId: USER }));
      expect(error).toMatchObject({ code: 'UNEXPECTED_RESPONSE', status: 502 });
      expect(error.message).not.toContain('Bad Gateway');
    });

    it('do not follow redirects (the key must not travel elsewhere)', async () => {
      gateway.reply = (request) =>
        request.url.startsWith('/elsewhere')
          ? { body: ANY_ANSWER }
          : { status: 307, headers: { location: '/elsewhere' } };
      const error = await failure(client.getUser({ userId: USER }));
      expect(error).toMatchObject({ code: 'UNEXPECTED_RESPONSE', status: 307 });
      expect(gateway.requests).toHaveLength(1);
    });

    it('are VALIDATION_FAILED, before sending, for an empty path parameter', async () => {
      const error = await failure(client.revokeDeviceToken({ userId: USER, tokenId: '' }));
      expect(error).toMatchObject({
        code: 'VALIDATION_FAILED',
        status: undefined,
        violations: [{ field: 'tokenId', description: 'is required' }],
      });
      expect(gateway.requests).toHaveLength(0);
    });

    it('are TIMEOUT when the gateway does not answer in time', async () => {
      gateway.reply = () => ({ body: ANY_ANSWER, delayMs: 2_000 });
      const started = Date.now();
      const error = await failure(newClient({ timeoutMs: 100 }).getUser({ userId: USER }));
      expect(error).toMatchObject({ code: 'TIMEOUT', status: undefined });
      expect(Date.now() - started).toBeLessThan(1_500);

      // A per-call timeout overrides the client's.
      const perCall = await failure(client.getUser({ userId: USER }, { timeoutMs: 50 }));
      expect(perCall.code).toBe('TIMEOUT');
    });

    it('are ABORTED when the caller aborts', async () => {
      gateway.reply = () => ({ body: ANY_ANSWER, delayMs: 2_000 });
      const controller = new AbortController();
      setTimeout(() => controller.abort(), 30);
      expect((await failure(client.getUser({ userId: USER }, { signal: controller.signal }))).code).toBe(
        'ABORTED',
      );
      expect((await failure(client.getUser({ userId: USER }, { signal: AbortSignal.abort() }))).code).toBe(
        'ABORTED',
      );
    });

    it('are NETWORK_ERROR when nothing listens', async () => {
      const closed = createServer();
      await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
      const port = (closed.address() as AddressInfo).port;
      await new Promise<void>((resolve) => closed.close(() => resolve()));

      const error = await failure(
        newClient({ baseUrl: `http://127.0.0.1:${port}` }).getUser({ userId: USER }),
      );
      expect(error).toMatchObject({ code: 'NETWORK_ERROR', status: undefined });
      expect(error.detail).toMatch(/ECONNREFUSED/);
    });

    it('never carry the API key', async () => {
      const errors: unknown[] = [];
      gateway.reply = () => ({
        status: 401,
        headers: { 'content-type': 'application/problem+json' },
        body: { status: 401, code: 'UNAUTHENTICATED', detail: 'A valid Bearer credential is required' },
      });
      errors.push(await failure(client.getUser({ userId: USER })));
      gateway.reply = () => ({ status: 502, body: 'bad gateway' });
      errors.push(await failure(client.getUser({ userId: USER })));
      gateway.reply = () => ({ body: ANY_ANSWER, delayMs: 2_000 });
      errors.push(await failure(client.getUser({ userId: USER }, { timeoutMs: 30 })));
      errors.push(await failure(newClient({ baseUrl: 'http://127.0.0.1:1' }).getUser({ userId: USER })));
      // A fetch that quotes the Authorization header in its error.
      const leaky: typeof fetch = (_input, init) =>
        Promise.reject(new TypeError(`bad header ${new Headers(init?.headers).get('authorization')}`));
      errors.push(await failure(newClient({ fetch: leaky }).getUser({ userId: USER })));
      // An invalid key is refused without being echoed.
      errors.push(
        (() => {
          try {
            return new PortcullisClient({ baseUrl: gateway.url, apiKey: `${API_KEY}\n` });
          } catch (error) {
            return error;
          }
        })(),
      );

      expect((errors[4] as PortcullisError).code).toBe('NETWORK_ERROR');
      expect(errors[5]).toBeInstanceOf(TypeError);
      for (const error of errors) {
        for (const text of renderings(error)) expect(text).not.toContain('s3cr3t');
      }
      expect(inspect(client, { depth: 10, showHidden: true })).not.toContain('s3cr3t');
      expect(JSON.stringify(client)).not.toContain('s3cr3t');
    });
  });

  describe('audit and KPIs', () => {
    it('puts the KPI settings themselves as the body', async () => {
      const { settings } = await client.setKpiSettings({
        settings: { lossValuePerTakeover: '1500.00', currency: 'EUR' },
      });
      expect(gateway.last.body).toEqual({ lossValuePerTakeover: '1500.00', currency: 'EUR' });
      expect(settings).toEqual({ lossValuePerTakeover: '1500.00', currency: 'EUR' });
    });

    it('return the chain report and the KPIs as generated messages', async () => {
      const { result } = await client.verifyAuditLog();
      expect(result).toMatchObject({ intact: true, checked: '3', problems: [] });
      const { kpis } = await client.getMfaKpis();
      expect(kpis.tenantId).toBe(TENANT);
      expect(gateway.last.url).toBe(`/v1/tenants/${TENANT}/kpis`);
    });

    it('refuse a time that is no date, before sending anything', async () => {
      await expect(client.listAuditEvents({ fromTime: 'last tuesday' })).rejects.toThrow(
        /fromTime must be a valid date/,
      );
      expect(() => client.exportAuditEvents({ toTime: new Date(Number.NaN) })).toThrow(TypeError);
      expect(gateway.requests).toHaveLength(0);
    });
  });

  describe('the audit export stream', () => {
    it('yields each NDJSON line as a generated AuditEvent', async () => {
      const events = await collect(client.exportAuditEvents({ userId: USER }));
      expect(events.map((e) => e.sequence)).toEqual(['1', '2']);
      expect(events[0]).toEqual(gatewayV1.AuditEvent.fromJSON(auditEvent(1)));
      expect(events[0]?.dataJson).toBe('{"note":"naïve ✓"}');
      expect(gateway.last.url).toBe(`/v1/tenants/${TENANT}/audit/export?userId=${USER}`);
    });

    it('parses lines as they arrive, across chunk boundaries, before the answer has ended', async () => {
      const body = Buffer.from(ndjson(1, 2, 3), 'utf8');
      // Split inside the multi-byte ï of the first line, and leave the last line without its newline.
      const split = body.indexOf(Buffer.from('ï')) + 1;
      let release: () => void = () => undefined;
      gateway.reply = () => ({
        stream: (res) => {
          res.writeHead(200, NDJSON_HEADERS);
          res.write(body.subarray(0, split));
          res.write(body.subarray(split, body.length - 1));
          release = () => res.end();
        },
      });
      const events = client.exportAuditEvents();
      const first = await events.next();
      const second = await events.next();
      expect([first.value?.sequence, second.value?.sequence]).toEqual(['1', '2']);
      // The third line is complete only at the end of the body.
      const third = events.next();
      release();
      expect((await third).value?.sequence).toBe('3');
      expect((await events.next()).done).toBe(true);
    });

    it('closes the connection when the caller stops early', async () => {
      const closed = new Promise<boolean>((resolve) => {
        gateway.reply = () => ({
          stream: (res) => {
            res.writeHead(200, NDJSON_HEADERS);
            res.write(ndjson(1, 2));
            res.on('close', () => resolve(res.writableEnded));
          },
        });
      });
      for await (const event of client.exportAuditEvents()) {
        expect(event.sequence).toBe('1');
        break;
      }
      // The gateway saw its client go away before it ended the answer.
      await expect(closed).resolves.toBe(false);
    });

    it('fails with NETWORK_ERROR after the events that arrived when the answer is cut off', async () => {
      gateway.reply = () => ({
        stream: (res) => {
          res.writeHead(200, NDJSON_HEADERS);
          res.write(ndjson(1, 2), () => setTimeout(() => res.destroy(), 20));
        },
      });
      const received: string[] = [];
      const error = await failure(
        (async () => {
          for await (const event of client.exportAuditEvents()) received.push(event.sequence);
        })(),
      );
      expect(received).toEqual(['1', '2']);
      expect(error.code).toBe('NETWORK_ERROR');
      expect(error.detail).toMatch(/cut off after 2 lines/);
    });

    it('turns problem details before the first line into a PortcullisError', async () => {
      gateway.reply = () => ({
        status: 403,
        headers: { 'content-type': 'application/problem+json' },
        body: {
          status: 403,
          code: 'INSUFFICIENT_SCOPE',
          detail: 'This needs an API key with the admin scope',
        },
      });
      expect(await failure(collect(client.exportAuditEvents()))).toMatchObject({
        code: 'INSUFFICIENT_SCOPE',
        status: 403,
      });
    });

    it('refuses an answer that is not NDJSON, or a line that is not a JSON object', async () => {
      gateway.reply = () => ({ body: { events: [] } });
      expect((await failure(collect(client.exportAuditEvents()))).code).toBe('UNEXPECTED_RESPONSE');

      gateway.reply = () => ({ headers: NDJSON_HEADERS, body: `${ndjson(1)}<html>\n` });
      const received: string[] = [];
      const error = await failure(
        (async () => {
          for await (const event of client.exportAuditEvents()) received.push(event.sequence);
        })(),
      );
      expect(received).toEqual(['1']);
      expect(error).toMatchObject({ code: 'UNEXPECTED_RESPONSE' });
      expect(error.detail).toMatch(/Line 2/);
    });

    it('times out on a gateway that stalls, but not on a caller that takes its time', async () => {
      gateway.reply = () => ({
        stream: (res) => {
          res.writeHead(200, NDJSON_HEADERS);
          res.write(ndjson(1));
        },
      });
      const received: string[] = [];
      const error = await failure(
        (async () => {
          for await (const event of client.exportAuditEvents({}, { timeoutMs: 300 })) {
            received.push(event.sequence);
          }
        })(),
      );
      expect([received, error.code]).toEqual([['1'], 'TIMEOUT']);

      gateway.reply = defaultReply;
      const slow: string[] = [];
      for await (const event of client.exportAuditEvents({}, { timeoutMs: 200 })) {
        await new Promise((resolve) => setTimeout(resolve, 300));
        slow.push(event.sequence);
      }
      expect(slow).toEqual(['1', '2']);
    });

    it('is ABORTED when the caller aborts', async () => {
      gateway.reply = () => ({
        stream: (res) => {
          res.writeHead(200, NDJSON_HEADERS);
          res.write(ndjson(1));
        },
      });
      const controller = new AbortController();
      const error = await failure(
        (async () => {
          for await (const _event of client.exportAuditEvents({}, { signal: controller.signal })) {
            controller.abort();
          }
        })(),
      );
      expect(error.code).toBe('ABORTED');
    });
  });

  describe('types', () => {
    it('allow only what the gateway accepts (checked by tsc)', async () => {
      // @ts-expect-error exactly one of userId, externalId or email
      await client.startAuthentication({ userId: USER, email: 'jane@example.com' }).catch(() => undefined);
      // @ts-expect-error an Idempotency-Key is for POSTs only
      await client.listFactors({ userId: USER }, { idempotencyKey: 'k' });
      // @ts-expect-error the end user IP is for calls that may send a code
      await client.startAuthentication({ userId: USER }, { endUserIp: '203.0.113.7' });
      const both = { code: '1', webauthnResponseJson: '{}' };
      // @ts-expect-error an answer is a code or a WebAuthn response, not both
      await client.activateFactor({ userId: USER, enrollmentId: ENROLLMENT, proof: both });
      expect(gateway.requests.length).toBeGreaterThan(0);
    });
  });
});
