import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gatewayV1 } from '@portcullis/contracts';
import { eventually, freePort, type ServiceName } from '@portcullis/testing';
import twilio from 'twilio';
import { parsePrometheusText, type PrometheusSample, sampleSum, SliceStack } from '../src';

const REPO_ROOT = join(__dirname, '..', '..', '..');
const PASSWORD = 'correct horse battery staple';
const SERVICES: readonly ServiceName[] = ['gateway', 'identity', 'factors', 'risk', 'audit', 'delivery'];
const SERVICES_WITH_OUTBOX: readonly ServiceName[] = ['gateway', 'identity', 'factors', 'risk', 'delivery'];

/**
 * Every label name a scrape may carry (docs/operations.md#metrics): closed sets and templates,
 * never an id, a number or an address of a person. A new label fails here until it is argued for.
 */
const ALLOWED_LABELS = new Set([
  'service_name',
  'otel_scope_name',
  'otel_scope_version',
  'otel_scope_schema_url',
  'le',
  'rpc_system_name',
  'rpc_method',
  'rpc_status_code',
  'http_request_method',
  'http_route',
  'http_response_status_code',
  'url_scheme',
  'error_type',
  'messaging_system',
  'messaging_consumer_group_name',
  'messaging_destination_name',
  'messaging_destination_partition_id',
  'factor_type',
  'challenge_purpose',
  'outcome',
  'reason',
  'delivery_channel',
  'delivery_provider',
  'currency',
  'risk_level',
  'risk_decision',
  // The pg instrumentation's db.client.* metrics.
  'db_system_name',
  'db_namespace',
  'db_operation_name',
  'db_client_connection_state',
  'db_client_connection_pool_name',
  'server_address',
  'server_port',
]);

const PROMQL_WORDS = new Set([
  'sum',
  'max',
  'min',
  'avg',
  'count',
  'rate',
  'irate',
  'increase',
  'histogram_quantile',
  'topk',
  'bottomk',
  'and',
  'or',
  'unless',
  'offset',
]);

/** Metric names a PromQL expression reads: labels, strings, ranges and grouping taken out. */
function metricNamesOf(expr: string): string[] {
  const bare = expr
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/"(?:[^"\\]|\\.)*"/g, ' ');
  return [...bare.matchAll(/[a-zA-Z_:][a-zA-Z0-9_:]*/g)]
    .map((m) => m[0])
    .filter((token) => !PROMQL_WORDS.has(token));
}

/**
 * Each service serves Prometheus text on a port of its own (METRICS_PORT). One SMS enrolment, one
 * SMS sign-in with a wrong code and then the right one, and one Twilio receipt: the scrapes count
 * exactly that, per service, with no code, number, password, secret or id anywhere in them; and
 * every metric the Grafana dashboard queries is one some service exports.
 */
describe('metrics: each service counts what happened, and nothing it must not expose', () => {
  const twilioAuthToken = randomBytes(16).toString('hex');
  let stack: SliceStack;
  const scrapes = new Map<ServiceName, string>();

  beforeAll(async () => {
    // Receipts need delivery's HTTP port known in advance: Twilio calls DELIVERY_PUBLIC_URL.
    const receiptsPort = await freePort();
    stack = new SliceStack({
      delivery: true,
      metrics: true,
      deliveryEnv: {
        HTTP_PORT: String(receiptsPort),
        DELIVERY_PUBLIC_URL: `http://127.0.0.1:${receiptsPort}`,
        TWILIO_AUTH_TOKEN: twilioAuthToken,
      },
    });
    await stack.start();
  });

  afterAll(() => stack.stop());

  const samplesOf = async (service: ServiceName) => {
    const text = await stack.metrics(service);
    scrapes.set(service, text);
    return parsePrometheusText(text);
  };
  const rpcCount = (samples: readonly PrometheusSample[], method: string, status: string) =>
    sampleSum(samples, 'rpc_server_call_duration_count', { rpc_method: method, rpc_status_code: status });

  it('counts an SMS sign-in in every service, exactly, and exposes no secret', async () => {
    // Setup over HTTP: a tenant that always asks for MFA, a user with a phone and a password, an
    // active SMS factor (its enrolment code comes through delivery too).
    const { tenantId, userId, factorId, subscriber, enrolmentCode, sms } = await stack.smsCustomer(
      'metrics',
      PASSWORD,
    );
    expect((await stack.http('GET', `/v1/no-such-route/${userId}`)).status).toBe(404);

    // The sign-in over the gateway's gRPC API: password, SMS challenge, a wrong code, the right one.
    const metadata = { metadata: stack.adminMetadata() };
    const started = await stack.grpc.call(
      'startAuthentication',
      gatewayV1.StartAuthenticationRequest.fromJSON({
        tenantId,
        userId,
        password: PASSWORD,
        context: { ip: '198.18.7.1', userAgent: 'metrics-e2e' },
      }),
      metadata,
    );
    expect(started.authentication?.status).toBe('CHALLENGE_REQUIRED');
    const authenticationId = started.authentication!.id;
    const challenge = await stack.grpc.call(
      'startAuthenticationChallenge',
      { tenantId, authenticationId, factorId, locale: '' },
      metadata,
    );
    const signInCode = await eventually(() => {
      expect(sms()).toHaveLength(2);
      return sms()[1].params['Body'].slice(0, 6);
    });
    const wrongCode = String((Number(signInCode) + 1) % 1_000_000).padStart(6, '0');
    const verify = (code: string) =>
      stack.grpc.call(
        'verifyAuthentication',
        gatewayV1.VerifyAuthenticationRequest.fromJSON({
          tenantId,
          authenticationId,
          challengeId: challenge.challengeId,
          code,
        }),
        metadata,
      );
    await expect(verify(wrongCode)).rejects.toMatchObject({ code: 'CODE_INVALID' });
    expect((await verify(signInCode)).authentication?.status).toBe('SUCCEEDED');

    // Twilio's receipt for the sign-in SMS, with its price, signed as Twilio signs it.
    const signInSms = sms()[1];
    const callbackUrl = signInSms.params['StatusCallback'];
    expect(callbackUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1\/receipts\/twilio$/);
    const receipt = {
      MessageSid: signInSms.sid,
      MessageStatus: 'delivered',
      AccountSid: signInSms.accountSid,
      Price: '-0.0400',
      PriceUnit: 'GBP',
    };
    const posted = await fetch(callbackUrl, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'x-twilio-signature': twilio.getExpectedTwilioSignature(twilioAuthToken, callbackUrl, receipt),
      },
      body: new URLSearchParams(receipt).toString(),
    });
    expect(posted.status).toBe(204);

    // factors: one enrolment, one failure and one success of sign-in, by factor type.
    const factors = await eventually(async () => {
      const samples = await samplesOf('factors');
      expect(sampleSum(samples, 'portcullis_challenge_outcomes_total', { outcome: 'success' })).toBe(2);
      return samples;
    });
    const outcomes = (labels: Record<string, string>) =>
      sampleSum(factors, 'portcullis_challenge_outcomes_total', { factor_type: 'sms_otp', ...labels });
    expect(outcomes({ challenge_purpose: 'AUTHENTICATION', outcome: 'success' })).toBe(1);
    expect(
      outcomes({ challenge_purpose: 'AUTHENTICATION', outcome: 'failure', reason: 'CODE_INVALID' }),
    ).toBe(1);
    expect(outcomes({ challenge_purpose: 'ENROLLMENT', outcome: 'success' })).toBe(1);
    expect(sampleSum(factors, 'portcullis_challenge_outcomes_total')).toBe(3);
    const factorsRpc = (method: string, status: string) =>
      rpcCount(factors, `portcullis.factors.v1.FactorsService/${method}`, status);
    expect(factorsRpc('VerifyChallenge', 'OK')).toBe(1);
    expect(factorsRpc('VerifyChallenge', 'PERMISSION_DENIED')).toBe(1);
    expect(factorsRpc('StartChallenge', 'OK')).toBe(1);
    expect(factorsRpc('ActivateFactor', 'OK')).toBe(1);

    // gateway: its own gRPC methods with their status codes, and HTTP by route template.
    const gateway = await samplesOf('gateway');
    const gatewayRpc = (method: string, status: string) =>
      rpcCount(gateway, `portcullis.gateway.v1.GatewayService/${method}`, status);
    expect(gatewayRpc('StartAuthentication', 'OK')).toBe(1);
    expect(gatewayRpc('StartAuthenticationChallenge', 'OK')).toBe(1);
    expect(gatewayRpc('VerifyAuthentication', 'OK')).toBe(1);
    expect(gatewayRpc('VerifyAuthentication', 'PERMISSION_DENIED')).toBe(1);
    const route = (method: string, template: string, status: string) =>
      sampleSum(gateway, 'http_server_request_duration_count', {
        http_request_method: method,
        http_route: template,
        http_response_status_code: status,
      });
    expect(route('POST', '/v1/tenants', '201')).toBe(1);
    expect(route('POST', '/v1/users', '201')).toBe(1);
    expect(route('POST', '/v1/users/:userId/factors', '201')).toBe(1);
    expect(route('POST', '/v1/users/:userId/enrollments/:enrollmentId/activate', '200')).toBe(1);
    expect(route('PUT', '/v1/tenants/:tenantId/risk-policy', '200')).toBe(1);
    const unmatched = gateway.filter(
      (s) =>
        s.name === 'http_server_request_duration_count' && s.labels['http_response_status_code'] === '404',
    );
    expect(unmatched.map((s) => [s.labels['http_route'], s.value])).toEqual([[undefined, 1]]);

    // identity and risk: the password check, the score and its decision.
    const identity = await samplesOf('identity');
    expect(rpcCount(identity, 'portcullis.identity.v1.IdentityService/VerifyPassword', 'OK')).toBe(1);
    const risk = await samplesOf('risk');
    expect(rpcCount(risk, 'portcullis.risk.v1.RiskService/ScoreAttempt', 'OK')).toBe(1);
    const decisions = risk.filter((s) => s.name === 'portcullis_risk_decisions_total');
    expect(decisions.map((s) => s.value)).toEqual([1]);
    expect(['low', 'medium', 'high', 'critical']).toContain(decisions[0]?.labels['risk_level']);
    expect(['allow', 'challenge', 'deny']).toContain(decisions[0]?.labels['risk_decision']);

    // delivery: two SMS sent through Twilio, one receipt with its spend.
    const delivery = await eventually(async () => {
      const samples = await samplesOf('delivery');
      expect(sampleSum(samples, 'portcullis_delivery_receipts_total')).toBe(1);
      return samples;
    });
    const channel = { delivery_channel: 'sms', delivery_provider: 'twilio' };
    expect(sampleSum(delivery, 'portcullis_delivery_messages_total', { ...channel, outcome: 'sent' })).toBe(
      2,
    );
    expect(sampleSum(delivery, 'portcullis_delivery_messages_total')).toBe(2);
    expect(
      sampleSum(delivery, 'portcullis_delivery_receipts_total', { ...channel, outcome: 'delivered' }),
    ).toBe(1);
    expect(
      sampleSum(delivery, 'portcullis_delivery_spend_total', { ...channel, currency: 'GBP' }),
    ).toBeCloseTo(0.04, 10);

    // Outboxes drain to 0; the consumers report their lag per group, topic and partition.
    for (const service of SERVICES_WITH_OUTBOX) {
      await eventually(
        async () => {
          const samples = await samplesOf(service);
          expect(samples.filter((s) => s.name === 'portcullis_outbox_backlog').map((s) => s.value)).toEqual([
            0,
          ]);
          expect(
            samples.filter((s) => s.name === 'portcullis_outbox_oldest_age').map((s) => s.value),
          ).toEqual([0]);
        },
        { timeoutMs: 30_000 },
      );
    }
    for (const service of ['delivery', 'risk', 'audit'] as const) {
      const lags = (await samplesOf(service)).filter((s) => s.name === 'portcullis_messaging_consumer_lag');
      expect(lags.length).toBeGreaterThan(0);
      for (const lag of lags) {
        expect(lag.labels).toMatchObject({
          messaging_system: 'kafka',
          messaging_consumer_group_name: expect.any(String),
          messaging_destination_name: expect.stringMatching(/^portcullis\./),
          messaging_destination_partition_id: expect.stringMatching(/^\d+$/),
        });
        expect(lag.value).toBeGreaterThanOrEqual(0);
      }
    }
    await eventually(
      async () => {
        const lags = (await samplesOf('delivery')).filter(
          (s) =>
            s.name === 'portcullis_messaging_consumer_lag' &&
            s.labels['messaging_destination_name'] === 'portcullis.factors.codes.v1',
        );
        expect(lags.length).toBeGreaterThan(0);
        expect(lags.reduce((sum, s) => sum + s.value, 0)).toBe(0);
      },
      { timeoutMs: 60_000 },
    );

    // Every service's scrape: its own service_name on every sample, only allowed labels, and no
    // code, number, password, secret or id of a tenant, user, factor, challenge or sign-in.
    for (const service of SERVICES) await samplesOf(service);
    const secrets = [
      PASSWORD,
      twilioAuthToken,
      stack.adminToken,
      ...Object.values(stack.gatewaySecrets),
      ...Object.values(stack.factorsSecrets),
      ...Object.values(stack.identitySecrets),
      `7911${subscriber}`,
      tenantId,
      userId,
      factorId,
      authenticationId,
      challenge.challengeId,
      signInSms.sid,
    ];
    const codes = [enrolmentCode, signInCode, wrongCode].map(
      (code) => new RegExp(`(?<![0-9.])${code}(?![0-9])`),
    );
    for (const service of SERVICES) {
      const text = scrapes.get(service) ?? '';
      const samples = parsePrometheusText(text);
      expect(samples.length).toBeGreaterThan(0);
      expect(samples.filter((s) => s.labels['service_name'] !== service)).toEqual([]);
      const labels = new Set(samples.flatMap((s) => Object.keys(s.labels)));
      expect([...labels].filter((label) => !ALLOWED_LABELS.has(label))).toEqual([]);
      expect(secrets.filter((secret) => text.includes(secret))).toEqual([]);
      expect(codes.filter((code) => code.test(text)).map(String)).toEqual([]);
      expect(text).not.toContain('postgres://');
      expect(text).not.toContain('target_info');
    }
  }, 240_000);

  it('every metric the Grafana dashboard queries is one a service exports', () => {
    expect(scrapes.size).toBe(SERVICES.length); // the scrapes of the test above
    const exported = new Set<string>();
    for (const text of scrapes.values()) {
      for (const sample of parsePrometheusText(text)) exported.add(sample.name);
      for (const [, family] of text.matchAll(/^# TYPE (\S+) /gm)) exported.add(family);
    }
    const dashboard = JSON.parse(
      readFileSync(join(REPO_ROOT, 'deploy/grafana/portcullis-dashboard.json'), 'utf8'),
    ) as {
      panels: { title: string; targets?: { expr: string }[] }[];
      templating: { list: { name: string; query?: string | { query: string } }[] };
    };
    const exprs = dashboard.panels.flatMap((p) =>
      (p.targets ?? []).map((t) => ({ where: p.title, expr: t.expr })),
    );
    for (const variable of dashboard.templating.list) {
      const query = typeof variable.query === 'string' ? variable.query : variable.query?.query;
      const match = /label_values\(\s*([^,)\s]+)/.exec(query ?? '');
      if (match) exprs.push({ where: `$${variable.name}`, expr: match[1] });
    }
    expect(exprs.length).toBeGreaterThan(15);
    const queried = exprs.flatMap(({ where, expr }) => metricNamesOf(expr).map((name) => ({ where, name })));
    expect(new Set(queried.map((q) => q.name)).size).toBeGreaterThan(10);
    expect(queried.filter((q) => !exported.has(q.name))).toEqual([]);
  });
});
