import { randomUUID } from 'node:crypto';
import { credentials } from '@grpc/grpc-js';
import { NodeCryptoPlugin } from '@otplib/plugin-crypto-node';
import { gatewayV1 } from '@portcullis/contracts';
import {
  type AuditEvent,
  isChallengeRequired,
  isDenied,
  isPortcullisError,
  type ListAuditEventsInput,
  PortcullisClient,
  PortcullisGrpcClient,
  toDate,
} from '@portcullis/sdk';
import { eventually } from '@portcullis/testing';
import { generateSync } from 'otplib';
import { SliceStack } from '../src';

const crypto = new NodeCryptoPlugin();
const totp = (secret: string, offsetSeconds = 0) =>
  generateSync({ secret, epoch: Math.floor(Date.now() / 1000) + offsetSeconds, crypto });
const PASSWORD = 'a long and private passphrase';
const DAY_MS = 24 * 60 * 60_000;

/** Every event of a listing, page after page (`pageSize` small, so the cursor is exercised). */
async function allPages(
  client: PortcullisClient,
  filter: ListAuditEventsInput,
  pageSize = 4,
): Promise<{ events: AuditEvent[]; pages: number }> {
  const events: AuditEvent[] = [];
  let pageToken = '';
  let pages = 0;
  do {
    const page = await client.listAuditEvents({ ...filter, pageSize, pageToken });
    events.push(...page.events);
    pages += 1;
    pageToken = page.nextPageToken;
    if (pages > 200) throw new Error('the cursor does not end');
  } while (pageToken !== '');
  return { events, pages };
}

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const item of items) all.push(item);
  return all;
}

const ids = (events: readonly AuditEvent[]) => events.map((e) => e.eventId);
const occurMs = (event: AuditEvent) => toDate(event.occurTime)?.getTime() ?? 0;

/** The middle of the widest gap between the events' occurrence times (at least 3 ms wide). */
function splitOf(events: readonly AuditEvent[]): number {
  const times = [...new Set(events.map(occurMs))].sort((a, b) => a - b);
  let split = 0;
  let widest = -1;
  for (let i = 1; i < times.length; i += 1) {
    const gap = times[i] - times[i - 1];
    if (gap > widest) [widest, split] = [gap, Math.floor((times[i] + times[i - 1]) / 2)];
  }
  expect(widest).toBeGreaterThan(2);
  return split;
}

/**
 * The audit log and the KPIs as a tenant administrator uses them, through the gateway and the
 * SDK (HTTP and gRPC): real events from identity, factors, risk and the gateway, listed with
 * filters and a cursor, exported as NDJSON, checked against their hash chain, counted in the KPIs.
 */
describe('the audit journeys: filters, export, chain check, KPIs', () => {
  const stack = new SliceStack();

  beforeAll(async () => {
    await stack.start();
  });

  afterAll(async () => {
    await stack.stop();
  });

  it('lists, exports and verifies real events, counts them in the KPIs, and keeps all of it admin-only', async () => {
    // A tenant with an admin key (the administrator) and a runtime key (the product backend).
    const tenantId = await stack.createTenant(`Audit Bank ${randomUUID()}`);
    const operator = new PortcullisClient({ baseUrl: stack.httpUrl, apiKey: stack.adminToken, tenantId });
    const adminKey = (await operator.createApiKey({ name: 'ops', scope: 'admin' })).secret;
    const runtimeKey = (await operator.createApiKey({ name: 'shop', scope: 'runtime' })).secret;
    const admin = new PortcullisClient({ baseUrl: stack.httpUrl, apiKey: adminKey, tenantId });
    const backend = new PortcullisClient({ baseUrl: stack.httpUrl, apiKey: runtimeKey, tenantId });
    const { policy } = await admin.getRiskPolicy();
    await admin.setRiskPolicy({ policy: { ...policy, mfaMode: 'always' } });

    // Three customers; two enrol TOTP; one signs in with a wrong password, then with MFA.
    const users = [];
    for (const name of ['ann', 'bob', 'cy']) {
      const { user } = await backend.createUser({
        externalId: `${name}-${randomUUID()}`,
        email: `${name}-${randomUUID()}@example.com`,
      });
      users.push(user);
    }
    const [ann, bob] = users;
    const secrets: string[] = [];
    for (const user of [ann, bob]) {
      const begun = await backend.beginFactorEnrollment({ userId: user.id, type: 'totp' });
      const secret = begun.totp!.secret;
      await backend.activateFactor({
        userId: user.id,
        enrollmentId: begun.enrollmentId,
        proof: { code: totp(secret, -30) },
      });
      secrets.push(secret);
    }
    await backend.setPassword({ userId: ann.id, password: PASSWORD });
    const context = { ip: '192.0.2.44', userAgent: 'audit-journeys', deviceId: 'laptop-1', deviceToken: '' };
    const wrong = await backend.startAuthentication({ userId: ann.id, password: 'nope', context });
    expect(isDenied(wrong.authentication)).toBe(true);
    const started = await backend.startAuthentication({ userId: ann.id, password: PASSWORD, context });
    expect(isChallengeRequired(started.authentication)).toBe(true);
    const challenge = await backend.startAuthenticationChallenge({
      authenticationId: started.authentication.id,
      factorId: started.authentication.factors[0].factorId,
    });
    await backend.verifyAuthentication({
      authenticationId: started.authentication.id,
      challengeId: challenge.challengeId,
      code: totp(secrets[0]),
    });

    // The events reach audit through the outboxes and Kafka: wait for the last kinds to land,
    // then for the log to stop growing (the comparisons below need one stable set).
    const all = await eventually(
      async () => {
        const first = await allPages(admin, {}, 500);
        const types = new Set(first.events.map((e) => e.type));
        for (const type of [
          'identity.user.created',
          'identity.password.set',
          'factors.totp.enrolled',
          'factors.challenge.verified',
          'gateway.authentication.failed',
          'gateway.authentication.succeeded',
          'risk.attempt.scored',
        ]) {
          expect(types).toContain(type);
        }
        await new Promise((resolve) => setTimeout(resolve, 1_000));
        const again = await allPages(admin, {}, 500);
        expect(ids(again.events)).toEqual(ids(first.events));
        return again.events;
      },
      { timeoutMs: 90_000, intervalMs: 500 },
    );

    // The chain: sequences 1..N without gaps, each record covering the previous one's hash.
    expect(all.map((e) => e.sequence)).toEqual(all.map((_e, i) => String(i + 1)));
    for (let i = 1; i < all.length; i += 1) expect(all[i].previousHash).toBe(all[i - 1].hash);
    expect(all.every((e) => e.tenantId === tenantId && /^[0-9a-f]{64}$/.test(e.hash))).toBe(true);

    // Listing: the cursor walks the same events as one big page.
    const paged = await allPages(admin, {});
    expect(paged.pages).toBeGreaterThan(2);
    expect(ids(paged.events)).toEqual(ids(all));

    // Filters: a type prefix, an exact type, an outcome, a user, a time range; each the subset
    // of the whole log it names, through the cursor too.
    const subsets: [ListAuditEventsInput, (e: AuditEvent) => boolean][] = [
      [{ type: 'factors.' }, (e) => e.type.startsWith('factors.')],
      [{ type: 'identity.user.created' }, (e) => e.type === 'identity.user.created'],
      [{ outcome: 'failure' }, (e) => e.outcome === 'failure'],
      [{ outcome: 'success' }, (e) => e.outcome === 'success'],
      [{ userId: ann.id }, (e) => e.userId === ann.id],
    ];
    // Time ranges split where events leave the widest gap, far from any one of them, so that the
    // millisecond the API shows cannot fall on the wrong side of the split.
    const split = splitOf(all);
    const factorsSplit = splitOf(all.filter((e) => e.type.startsWith('factors.')));
    subsets.push(
      [{ fromTime: new Date(split) }, (e) => occurMs(e) >= split],
      [{ toTime: new Date(split) }, (e) => occurMs(e) < split],
      [
        { type: 'factors.', fromTime: new Date(occurMs(all[0]) - 60_000), toTime: new Date(factorsSplit) },
        (e) => e.type.startsWith('factors.') && occurMs(e) < factorsSplit,
      ],
    );
    for (const [filter, keep] of subsets) {
      const expected = ids(all.filter(keep));
      expect(expected.length).toBeGreaterThan(0);
      const listed = await allPages(admin, filter, 3);
      expect({ filter, ids: ids(listed.events) }).toEqual({ filter, ids: expected });
    }
    expect(all.filter((e) => e.type === 'identity.user.created')).toHaveLength(3);
    expect(all.find((e) => e.type === 'gateway.authentication.failed')?.outcome).toBe('failure');

    // Export: the NDJSON body is exactly the pages, one proto3-JSON event per line.
    const raw = await fetch(`${stack.httpUrl}/v1/tenants/${tenantId}/audit/export`, {
      headers: { authorization: `Bearer ${adminKey}` },
    });
    expect(raw.status).toBe(200);
    expect(raw.headers.get('content-type')).toMatch(/^application\/x-ndjson/);
    expect(await raw.text()).toBe(
      paged.events.map((e) => `${JSON.stringify(gatewayV1.AuditEvent.toJSON(e))}\n`).join(''),
    );
    expect(await collect(admin.exportAuditEvents())).toEqual(paged.events);
    const factorsOnly = await allPages(admin, { type: 'factors.' });
    expect(await collect(admin.exportAuditEvents({ type: 'factors.' }))).toEqual(factorsOnly.events);

    // Verify: intact, and every one of the tenant's events checked.
    const { result } = await admin.verifyAuditLog();
    expect(result).toMatchObject({
      intact: true,
      checked: String(all.length),
      firstSequence: '1',
      lastSequence: String(all.length),
      problems: [],
    });

    // The same over gRPC.
    const grpc = new PortcullisGrpcClient({
      address: stack.grpcAddress,
      apiKey: adminKey,
      tenantId,
      credentials: credentials.createInsecure(),
    });
    try {
      expect(ids(await collect(grpc.exportAuditEvents()))).toEqual(ids(all));
      expect((await grpc.verifyAuditLog()).result).toMatchObject({
        intact: true,
        checked: String(all.length),
      });
    } finally {
      grpc.close();
    }

    // KPI settings: a round trip, and a currency that is no ISO 4217 code refused with its code.
    const saved = await admin.setKpiSettings({
      settings: { lossValuePerTakeover: '1500.00', currency: 'EUR' },
    });
    // Audit may normalise the decimal ("1500.00" → "1500"): the amount is what must survive.
    expect(saved.settings.currency).toBe('EUR');
    expect(Number(saved.settings.lossValuePerTakeover)).toBe(1500);
    expect((await admin.getKpiSettings()).settings).toEqual(saved.settings);
    const refused = await admin
      .setKpiSettings({ settings: { lossValuePerTakeover: '10', currency: 'EURO' } })
      .catch((error: unknown) => error);
    expect(
      isPortcullisError(refused) && [refused.code, refused.status, refused.violations.map((v) => v.field)],
    ).toEqual(['VALIDATION_FAILED', 400, ['currency']]);
    expect((await admin.getKpiSettings()).settings).toEqual(saved.settings);

    // KPIs of today (whole UTC days): three active users, two with TOTP, the sign-in's challenge.
    const today = new Date(Math.floor(Date.now() / DAY_MS) * DAY_MS);
    const period = { fromTime: today, toTime: new Date(today.getTime() + DAY_MS) };
    const kpis = await eventually(
      async () => {
        const { kpis: current } = await admin.getMfaKpis(period);
        expect(current.adoption).toMatchObject({ activeUsers: '3', usersWithFactor: '2' });
        expect(current.factorMix).toContainEqual({ factorType: 'totp', active: '2' });
        expect(current.enrolmentFunnel.find((step) => step.factorType === 'totp')).toMatchObject({
          started: '2',
          completed: '2',
        });
        expect(Number(current.challenges?.verified)).toBeGreaterThanOrEqual(1);
        expect(current.roi).toMatchObject({ currency: 'EUR' });
        expect(Number(current.roi?.lossValuePerTakeover)).toBe(1500);
        return current;
      },
      { timeoutMs: 60_000, intervalMs: 500 },
    );
    expect(kpis.tenantId).toBe(tenantId);

    // What the dashboard calls: GET …/kpis with the admin key, answered in proto3 JSON.
    const dashboard = await stack.http(
      'GET',
      `/v1/tenants/${tenantId}/kpis?fromTime=${period.fromTime.toISOString()}&toTime=${period.toTime.toISOString()}`,
      undefined,
      { bearer: adminKey },
    );
    expect(dashboard.status).toBe(200);
    expect(dashboard.json['kpis']).toMatchObject({
      tenantId,
      adoption: { activeUsers: '3', usersWithFactor: '2' },
    });

    // A runtime key may do none of it, over HTTP or gRPC.
    const tenantPath = `/v1/tenants/${tenantId}`;
    for (const [method, path, body] of [
      ['GET', `${tenantPath}/audit/export`],
      ['GET', `${tenantPath}/audit/verify`],
      ['GET', `${tenantPath}/kpis`],
      ['GET', `${tenantPath}/kpi-settings`],
      ['PUT', `${tenantPath}/kpi-settings`, { lossValuePerTakeover: '1', currency: 'EUR' }],
      ['GET', `/v1/audit/events?tenantId=${tenantId}&outcome=failure`],
    ] as const) {
      const answer = await stack.http(method, path, body, { bearer: runtimeKey });
      expect({ method, path, status: answer.status, code: answer.json?.['code'] }).toEqual({
        method,
        path,
        status: 403,
        code: 'INSUFFICIENT_SCOPE',
      });
    }
    const runtimeGrpc = new PortcullisGrpcClient({
      address: stack.grpcAddress,
      apiKey: runtimeKey,
      tenantId,
      credentials: credentials.createInsecure(),
    });
    try {
      const attempts: [string, () => Promise<unknown>][] = [
        ['ExportAuditEvents', () => collect(runtimeGrpc.exportAuditEvents())],
        ['VerifyAuditLog', () => runtimeGrpc.verifyAuditLog()],
        ['GetMfaKpis', () => runtimeGrpc.getMfaKpis()],
        ['GetKpiSettings', () => runtimeGrpc.getKpiSettings()],
        [
          'SetKpiSettings',
          () => runtimeGrpc.setKpiSettings({ settings: { lossValuePerTakeover: '1', currency: 'EUR' } }),
        ],
      ];
      for (const [rpc, attempt] of attempts) {
        const error = await attempt().catch((e: unknown) => e);
        expect({ rpc, code: isPortcullisError(error) ? [error.code, error.grpcStatus] : error }).toEqual({
          rpc,
          code: ['INSUFFICIENT_SCOPE', 7],
        });
      }
    } finally {
      runtimeGrpc.close();
    }
    expect((await admin.getKpiSettings()).settings).toEqual(saved.settings);
  }, 240_000);
});
