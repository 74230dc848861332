import { randomUUID } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { riskV1, TOPICS } from '@portcullis/contracts';
import { verifyWebhook } from '@portcullis/crypto';
import { type DomainError, isDomainError } from '@portcullis/errors';
import { eventually, kafkaProbe } from '@portcullis/testing';
import { RiskRetention } from '../src/persistence/risk-retention';
import { BROWSER, LISTED, PLACES, RiskHarness } from './risk-harness';

const { PASSWORD_CHECK_FAILED, PASSWORD_CHECK_PASSED } = riskV1.PasswordCheck;

async function failure(promise: Promise<unknown>): Promise<DomainError> {
  try {
    await promise;
  } catch (error) {
    if (isDomainError(error)) return error;
    throw error;
  }
  throw new Error('expected the call to fail');
}

const codes = (r: riskV1.ScoreAttemptResponse) => r.reasons.map((x) => x.code);

describe('risk: scoring over gRPC with real feeds, geolocation, profiles and windows', () => {
  const h = new RiskHarness();

  beforeAll(async () => {
    await h.start();
  });
  afterAll(async () => {
    await h.stop();
  });

  /** Successful sign-ins as the gateway publishes them; resolves once risk has applied them. */
  async function history(
    userId: string,
    place: (typeof PLACES)[keyof typeof PLACES],
    times: Date[],
    deviceId = 'phone-1',
  ) {
    for (const at of times) {
      await h.publish(
        'gateway.authentication.succeeded',
        [
          {
            tenantId: h.tenantId,
            userId,
            authenticationId: randomUUID(),
            clientIp: place.ip,
            userAgent: BROWSER,
            deviceId,
            amr: ['pwd', 'otp'],
            kind: 'sign_in',
            riskLevel: 'low',
          },
        ],
        { occurredAt: at },
      );
    }
    await eventually(async () => {
      const [row] = await h.query<{ sign_ins: number }>(
        'SELECT sign_ins FROM risk_profiles WHERE tenant_id = $1 AND user_id = $2',
        [h.tenantId, userId],
      );
      expect(row?.sign_ins).toBeGreaterThanOrEqual(times.length);
    });
  }

  it('lists IPv4 and IPv6 addresses from the feed files, and reports their freshness', async () => {
    const v4 = await h.score({ clientIp: LISTED.v4 });
    expect(v4.reasons[0]).toEqual({ code: 'IP_BLOCKLISTED', weight: 70, detail: 'listed on firehol_level1' });
    expect(v4.decision).toBe('deny');
    expect(codes(await h.score({ clientIp: LISTED.v6 }))).toContain('IP_BLOCKLISTED');
    expect(codes(await h.score({ clientIp: '10.66.200.1' }))).toContain('IP_BLOCKLISTED');
    const tor = await h.score({ clientIp: LISTED.tor });
    expect(codes(tor)).toEqual(['TOR_EXIT_NODE']);
    expect(tor.decision).toBe('challenge');
    const status = await h.client.call('getRiskStatus', {});
    expect(status.feeds.map((f) => [f.name, f.category, f.ranges, f.stale])).toEqual([
      ['firehol_level1', 'blocklist', 3, false],
      ['tor_exits', 'tor', 1, false],
    ]);
    expect(status.feeds[0].loadTime).toBeDefined();
    expect(status.cityDatabase?.databaseType).toBe('GeoIP2-City');
  });

  it('reloads a feed that changed on disk without a restart', async () => {
    const fresh = '198.18.7.7';
    expect(codes(await h.score({ clientIp: fresh }))).toEqual([]);
    await writeFile(h.feedPath, `# updated\n${LISTED.v4}\n198.18.0.0/15\n`);
    await h.running.feeds.reload();
    expect(codes(await h.score({ clientIp: fresh }))).toContain('IP_BLOCKLISTED');
    expect(codes(await h.score({ clientIp: '10.66.200.1' }))).not.toContain('IP_BLOCKLISTED');
  });

  it('geolocates the client and names anonymiser and hosting networks', async () => {
    const vpn = await h.score({ clientIp: PLACES.vpn.ip });
    expect([vpn.country, vpn.asn, codes(vpn)]).toEqual(['NL', 9009, ['ANONYMIZER_NETWORK']]);
    const cloud = await h.score({ clientIp: PLACES.cloud.v6 });
    expect([cloud.country, codes(cloud)]).toEqual(['US', ['HOSTING_NETWORK']]);
  });

  it('builds a profile from sign-in events and sees new devices, countries and impossible travel', async () => {
    const userId = randomUUID();
    const now = Date.now();
    const days = [5, 4, 3, 2].map((d) => new Date(now - d * 86_400_000));
    await history(userId, PLACES.london, [...days, new Date(now - 30 * 60_000)]);

    const familiar = await h.score({ userId, deviceId: 'phone-1' });
    expect(familiar).toMatchObject({ decision: 'allow', level: 'low', country: 'GB' });
    expect(codes(familiar)).toEqual([]);

    expect(codes(await h.score({ userId, deviceId: 'laptop-9' }))).toEqual(['NEW_DEVICE']);

    const remembered = await h.score({ userId, deviceId: 'laptop-9', deviceRemembered: true });
    expect(codes(remembered)).toEqual(['REMEMBERED_DEVICE']);
    expect(remembered.reasons[0].weight).toBeLessThan(0);

    const sydney = await h.score({ userId, deviceId: 'phone-1', clientIp: PLACES.sydney.ip });
    expect(codes(sydney)).toEqual(
      expect.arrayContaining(['IMPOSSIBLE_TRAVEL', 'NEW_COUNTRY', 'NEW_NETWORK']),
    );
    expect(sydney.decision).toBe('challenge');
    expect(sydney.reasons.find((r) => r.code === 'IMPOSSIBLE_TRAVEL')!.detail).toMatch(/km\/h$/);

    // Paris is near enough to London for half an hour: new country, not impossible.
    const paris = await h.score({ userId, deviceId: 'phone-1', clientIp: PLACES.paris.v6 });
    expect(codes(paris)).toEqual(expect.arrayContaining(['NEW_COUNTRY']));
    expect(codes(paris)).not.toContain('IMPOSSIBLE_TRAVEL');
  });

  it('applies a redelivered sign-in event once', async () => {
    const userId = randomUUID();
    const eventId = randomUUID();
    const event = {
      tenantId: h.tenantId,
      userId,
      authenticationId: randomUUID(),
      clientIp: PLACES.london.ip,
      userAgent: BROWSER,
      deviceId: 'phone-1',
      amr: ['pwd'],
      kind: 'sign_in',
      riskLevel: 'low',
    };
    await h.publish('gateway.authentication.succeeded', [event], { eventId });
    await h.publish('gateway.authentication.succeeded', [event], { eventId });
    await h.publish('gateway.authentication.succeeded', [{ ...event, authenticationId: randomUUID() }]);
    // A marker after them on the same partition (same key): once it is applied, so are they all.
    const marker = randomUUID();
    await h.publish('gateway.authentication.failed', [
      { ...event, authenticationId: marker, reason: 'PASSWORD_INVALID' },
    ]);
    await eventually(async () =>
      expect(await h.query('SELECT 1 FROM risk_failures WHERE attempt_id = $1', [marker])).toHaveLength(1),
    );
    const [row] = await h.query<{ sign_ins: number }>(
      'SELECT sign_ins FROM risk_profiles WHERE user_id = $1',
      [userId],
    );
    expect(row?.sign_ins).toBe(2);
  });

  it('turns a credential-stuffing run from allow to challenge to deny, and alerts once per wave', async () => {
    const attacker = '100.64.20.7';
    const victim = randomUUID();
    const probe = await kafkaProbe(h.infra.kafkaBrokers, [TOPICS.riskEvents]);
    try {
      const asVictim = () => h.score({ userId: victim, clientIp: attacker, attemptId: randomUUID() });
      expect((await asVictim()).decision).toBe('allow');
      const stuff = (n: number) =>
        Promise.all(
          Array.from({ length: n }, () =>
            h.score({ userId: randomUUID(), clientIp: attacker, passwordCheck: PASSWORD_CHECK_FAILED }),
          ),
        );
      await stuff(5);
      const mid = await asVictim();
      expect(mid.decision).toBe('challenge');
      expect(codes(mid)).toEqual(['FAILURE_VELOCITY_IP']);
      await stuff(10);
      const late = await asVictim();
      expect(late.decision).toBe('deny');
      expect(codes(late)).toEqual(['CREDENTIAL_STUFFING', 'FAILURE_VELOCITY_IP']);
      expect(late.reasons[0].detail).toBe('failures against 15 users from this IP in 10 min');
      await stuff(10);

      const alerts = (await h.events('risk.alert.raised')).filter((e) => e.payload['subject'] === attacker);
      expect(alerts).toHaveLength(1);
      expect(alerts[0].payload).toMatchObject({ kind: 'CREDENTIAL_STUFFING', severity: 'high' });
      expect(alerts[0].payload['count']).toBeGreaterThanOrEqual(10);

      await eventually(() =>
        expect(
          probe.received.filter(
            (m) =>
              m.headers['event-type'] === 'risk.alert.raised' &&
              m.headers['tenant-id'] === h.tenantId &&
              m.value?.toString('latin1').includes(attacker),
          ),
        ).toHaveLength(1),
      );
      const call = await eventually(() => {
        const c = h.webhook.calls.find(
          (x) => x.body['subject'] === attacker && x.body['tenantId'] === h.tenantId,
        );
        expect(c).toBeDefined();
        return c!;
      });
      expect(call.body).toMatchObject({
        type: 'risk.alert.raised',
        kind: 'CREDENTIAL_STUFFING',
        tenantId: h.tenantId,
      });
      expect(
        verifyWebhook(h.webhookSecret, call.raw, {
          timestamp: call.headers['x-portcullis-timestamp'],
          signature: call.headers['x-portcullis-signature'],
        }),
      ).toBe(true);
    } finally {
      await probe.stop();
    }
  });

  it('counts a retried failed attempt once', async () => {
    const attemptId = randomUUID();
    const userId = randomUUID();
    for (let i = 0; i < 3; i += 1) {
      await h.score({ attemptId, userId, clientIp: '198.18.50.1', passwordCheck: PASSWORD_CHECK_FAILED });
    }
    const rows = await h.query('SELECT * FROM risk_failures WHERE attempt_id = $1', [attemptId]);
    expect(rows).toHaveLength(1);
    expect(
      await h
        .events('risk.attempt.scored')
        .then((e) => e.filter((x) => x.payload['attemptId'] === attemptId)),
    ).toHaveLength(1);
  });

  it('sees spraying (many IPs at one user) and failures reported by the gateway and factors events', async () => {
    const userId = randomUUID();
    const sprayers = ['198.18.1.1', '198.18.2.2', '198.18.3.3', '2001:db8:77::1', '2001:db8:78::1'];
    await h.publish(
      'gateway.authentication.failed',
      sprayers.map((clientIp) => ({
        tenantId: h.tenantId,
        userId,
        authenticationId: randomUUID(),
        clientIp,
        userAgent: BROWSER,
        deviceId: '',
        reason: 'PASSWORD_INVALID',
        kind: 'sign_in',
      })),
    );
    const challengeId = randomUUID();
    await h.publish(
      'factors.challenge.failed',
      [1, 2].map((n) => ({
        tenantId: h.tenantId,
        userId,
        challengeId,
        factorId: randomUUID(),
        factorType: 'totp',
        purpose: 'AUTHENTICATION',
        authenticationId: randomUUID(),
        reason: 'CODE_INVALID',
        failedAttempts: n,
      })),
    );
    // Both topics consumed: the five gateway failures and the two factor failures.
    await eventually(async () => {
      const r = await h.score({ userId });
      expect(codes(r)).toEqual(expect.arrayContaining(['PASSWORD_SPRAY', 'FAILURE_VELOCITY_USER']));
      expect(r.reasons.find((x) => x.code === 'FAILURE_VELOCITY_USER')?.detail).toBe(
        '7 failures against this user in 10 min',
      );
    });
    await eventually(async () =>
      expect((await h.events('risk.alert.raised')).filter((e) => e.payload['subject'] === userId)).toEqual([
        expect.objectContaining({ payload: expect.objectContaining({ kind: 'PASSWORD_SPRAY', count: 5 }) }),
      ]),
    );
  });

  it('marks sign-ins soon after a recovery', async () => {
    const userId = randomUUID();
    await h.publish('factors.recovery_code.used', [
      { tenantId: h.tenantId, userId, factorId: randomUUID(), remaining: 9 },
    ]);
    await eventually(async () => expect(codes(await h.score({ userId }))).toEqual(['RECENT_RECOVERY']));
  });

  it('raises one toll-fraud alert from delivery bursts, then keeps quiet for the cool-down', async () => {
    const burst = {
      tenantId: h.tenantId,
      scope: 'PREFIX',
      key: '+88216',
      count: 50,
      windowSeconds: 300,
      windowStartTime: undefined,
    };
    await h.publish('delivery.fraud.alert_raised', [burst, burst, { ...burst, count: 70 }]);
    // A refusal after the bursts, on the same partition (same key): once it is counted, the
    // bursts before it were consumed too.
    await h.publish('delivery.message.refused', [
      {
        tenantId: h.tenantId,
        userId: '',
        codeId: randomUUID(),
        channel: 'sms',
        reason: 'BUDGET_EXCEEDED_TENANT',
        destinationHint: '',
        country: 'GB',
      },
    ]);
    await eventually(async () =>
      expect(
        await h.query("SELECT 1 FROM risk_counters WHERE tenant_id = $1 AND counter = 'delivery_refused'", [
          h.tenantId,
        ]),
      ).toHaveLength(1),
    );
    const alerts = (await h.events('risk.alert.raised')).filter(
      (e) => e.payload['kind'] === 'TOLL_FRAUD_SUSPECTED' && e.payload['tenantId'] === h.tenantId,
    );
    expect(alerts).toHaveLength(1);
    expect(alerts[0].payload['subject']).toBe('prefix:+88216');
    const [row] = await h.query<{ times_raised: number }>(
      "SELECT times_raised FROM risk_alerts WHERE kind = 'TOLL_FRAUD_SUSPECTED' AND tenant_id = $1",
      [h.tenantId],
    );
    expect(row?.times_raised).toBe(1);
  });

  it('raises a toll-fraud alert when refusals pile up in a tenant', async () => {
    const tenantId = randomUUID();
    const refused = Array.from({ length: 20 }, () => ({
      tenantId,
      userId: '',
      codeId: randomUUID(),
      channel: 'sms',
      reason: 'BUDGET_EXCEEDED_COUNTRY',
      destinationHint: '',
      country: 'KG',
    }));
    await h.publish('delivery.message.refused', refused);
    await eventually(async () => {
      const alerts = (await h.events('risk.alert.raised')).filter((e) => e.payload['tenantId'] === tenantId);
      expect(alerts.map((a) => [a.payload['kind'], a.payload['subject'], a.payload['count']])).toEqual([
        ['TOLL_FRAUD_SUSPECTED', 'refusals', 20],
      ]);
    });
  });

  it('refuses malformed context with a typed error and records nothing', async () => {
    const before = await h.query('SELECT count(*)::int AS n FROM risk_assessments');
    const badIp = await failure(h.score({ clientIp: '999.1.1.1' }));
    expect([badIp.kind, badIp.code]).toEqual(['INVALID_ARGUMENT', 'VALIDATION_FAILED']);
    expect(badIp.details.violations).toEqual([
      { field: 'clientIp', description: 'must be an IPv4 or IPv6 address' },
    ]);
    const hugeAgent = await failure(h.score({ userAgent: 'Mozilla/5.0 '.repeat(1000) }));
    expect(hugeAgent.details.violations).toEqual([
      { field: 'userAgent', description: 'must be at most 1024 characters' },
    ]);
    const badAmount = await failure(h.score({ stepUp: { type: 'payment', amount: '-5', currency: 'EUR' } }));
    expect(badAmount.details.violations![0].field).toBe('stepUp.amount');
    const badTenant = await failure(h.score({ tenantId: 'acme' }));
    expect(badTenant.details.violations![0].field).toBe('tenantId');
    expect(await h.query('SELECT count(*)::int AS n FROM risk_assessments')).toEqual(before);
  });

  it('keeps the tenant policy: modes, thresholds, step-up rules and signal weights', async () => {
    const tenantId = randomUUID();
    const defaults = await h.client.call('getRiskPolicy', { tenantId });
    expect(defaults.policy).toMatchObject({
      mfaMode: 'risk_based',
      challengeThreshold: 25,
      denyThreshold: 70,
      failMode: 'challenge',
    });
    expect(defaults.effectiveSignals.find((s) => s.code === 'IP_BLOCKLISTED')).toEqual({
      code: 'IP_BLOCKLISTED',
      enabled: true,
      weight: 70,
    });
    const invalid = await failure(
      h.client.call('setRiskPolicy', {
        tenantId,
        policy: riskV1.RiskPolicy.fromJSON({ challengeThreshold: 80, denyThreshold: 60 }),
      }),
    );
    expect(invalid.code).toBe('VALIDATION_FAILED');
    const unknownSignal = await failure(
      h.client.call('setRiskPolicy', {
        tenantId,
        policy: riskV1.RiskPolicy.fromJSON({ signals: [{ code: 'HUNCH', enabled: true, weight: 5 }] }),
      }),
    );
    expect(unknownSignal.details.violations![0].field).toBe('policy.signals.0.code');

    await h.client.call('setRiskPolicy', {
      tenantId,
      policy: riskV1.RiskPolicy.fromJSON({
        mfaMode: 'risk_based',
        stepUpRules: [{ actionType: 'payment', minAmount: '500', currency: 'EUR', decision: 'challenge' }],
        signals: [
          { code: 'TOR_EXIT_NODE', enabled: false },
          { code: 'UNUSUAL_HOUR', weight: 30 },
        ],
      }),
    });
    // Leaving out `enabled` never switches a signal off; leaving out `weight` keeps the default.
    const effective = (await h.client.call('getRiskPolicy', { tenantId })).effectiveSignals;
    expect(effective.filter((x) => ['TOR_EXIT_NODE', 'UNUSUAL_HOUR'].includes(x.code))).toEqual([
      { code: 'TOR_EXIT_NODE', enabled: false, weight: 40 },
      { code: 'UNUSUAL_HOUR', enabled: true, weight: 30 },
    ]);
    const pay = (amount: string) =>
      h.score({ tenantId, stepUp: { type: 'payment', amount, currency: 'EUR' } });
    expect((await pay('20.00')).decision).toBe('allow');
    const big = await pay('1250.00');
    expect(big.decision).toBe('challenge');
    expect(codes(big)).toEqual(['STEP_UP_RULE']);
    expect(codes(await h.score({ tenantId, clientIp: LISTED.tor }))).toEqual([]);

    await h.client.call('setRiskPolicy', {
      tenantId,
      policy: riskV1.RiskPolicy.fromJSON({ mfaMode: 'always' }),
    });
    expect((await h.score({ tenantId })).decision).toBe('challenge');
    expect(
      (await h.events('risk.policy.updated')).filter((e) => e.payload['tenantId'] === tenantId),
    ).toHaveLength(2);
  });

  it('records a failed password for an unknown user against the IP only', async () => {
    await h.score({ clientIp: '198.18.99.1', passwordCheck: PASSWORD_CHECK_FAILED });
    const [row] = await h.query<{ kind: string; user_id: string | null }>(
      "SELECT kind, user_id FROM risk_failures WHERE ip = '198.18.99.1'",
    );
    expect(row).toEqual({ kind: 'unknown_user', user_id: null });
    expect(PASSWORD_CHECK_PASSED).toBe('PASSWORD_CHECK_PASSED');
  });

  it('keeps several instances correct: a policy set through one is used by the other', async () => {
    const other = await new RiskHarness().start({}, h);
    try {
      const tenantId = randomUUID();
      expect((await other.score({ tenantId })).decision).toBe('allow'); // caches the default policy
      await h.client.call('setRiskPolicy', {
        tenantId,
        policy: riskV1.RiskPolicy.fromJSON({ mfaMode: 'always' }),
      });
      await eventually(async () => expect((await other.score({ tenantId })).decision).toBe('challenge'), {
        timeoutMs: 5000,
      });
    } finally {
      await other.stop(false);
    }
  });

  // Last: it deletes what the other tests recorded.
  it('drops failures after a day and profiles and assessments after the retention', async () => {
    const retention = h.running.app.get(RiskRetention);
    const count = async (table: string) =>
      (await h.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`))[0].n;
    expect(await count('risk_profiles')).toBeGreaterThan(0);
    expect(await count('risk_failures')).toBeGreaterThan(0);
    const twoDays = await retention.prune(new Date(Date.now() + 2 * 86_400_000));
    expect(twoDays['failures']).toBeGreaterThan(0);
    expect(twoDays['profiles']).toBe(0);
    expect(await count('risk_failures')).toBe(0);
    expect(await count('risk_profiles')).toBeGreaterThan(0);
    const later = await retention.prune(new Date(Date.now() + 181 * 86_400_000));
    expect(later['profiles']).toBeGreaterThan(0);
    expect(await count('risk_profiles')).toBe(0);
    expect(await count('risk_assessments')).toBe(0);
  });
});
