import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { auditV1, gatewayV1 } from '@portcullis/contracts';
import { DomainError, toDomainError } from '@portcullis/errors';
import { loggerProvider, type Logger } from '@portcullis/observability';
import type { FastifyError } from 'fastify';
import { toAuditEventMessage } from '../api/gateway.mapper';
import { insufficientScope, tenantMismatch, unauthenticated } from '../auth/auth.errors';
import { Authorizer } from '../auth/authorizer';
import type { Principal, Scope } from '../auth/principal';
import type { AuditEventPageView, AuditEventView } from '../domain/model';
import { type AuditFilter, type AuditQuery, AuditReader, type KpiQuery } from '../domain/ports';
import { CreateTenantUseCase } from '../use-cases/create-tenant/create-tenant.use-case';
import { ExportAuditEventsUseCase } from '../use-cases/export-audit-events/export-audit-events.use-case';
import { GetKpiSettingsUseCase } from '../use-cases/get-kpi-settings/get-kpi-settings.use-case';
import { GetMfaKpisUseCase } from '../use-cases/get-mfa-kpis/get-mfa-kpis.use-case';
import { ListAuditEventsUseCase } from '../use-cases/list-audit-events/list-audit-events.use-case';
import { SetKpiSettingsUseCase } from '../use-cases/set-kpi-settings/set-kpi-settings.use-case';
import { VerifyAuditLogUseCase } from '../use-cases/verify-audit-log/verify-audit-log.use-case';
import { AdminHttpController } from './admin-http.controller';
import { AuditHttpController } from './audit-http.controller';
import { KpisHttpController } from './kpis-http.controller';
import { fromFastifyError, ProblemDetailsFilter, sendProblem } from './problem-details.filter';

const TENANT = '0b6e3c1a-9f1e-4d5a-8a55-3f0c1d2e4b6a';
const OTHER_TENANT = '7d9e1f20-3b4c-4d5e-8f60-718293a4b5c6';

const view = (sequence: number, padding = 0): AuditEventView => ({
  eventId: `e-${sequence}`,
  tenantId: TENANT,
  type: 'factors.challenge.failed',
  userId: 'u-1',
  source: 'portcullis.factors.events.v1',
  occurredAt: new Date(Date.UTC(2026, 0, 1, 0, 0, sequence)),
  recordedAt: new Date(Date.UTC(2026, 0, 1, 0, 0, sequence + 1)),
  dataJson: JSON.stringify({ pad: 'x'.repeat(padding) }),
  sequence: String(sequence),
  outcome: 'failure',
  hash: 'ab'.repeat(32),
  previousHash: 'cd'.repeat(32),
  clientIp: '203.0.113.7',
});
const line = (event: AuditEventView) =>
  JSON.stringify(gatewayV1.AuditEvent.toJSON(toAuditEventMessage(event)));

/** Bearer admin / runtime: a key of TENANT with that scope; anything else is unauthenticated. */
class FakeAuthorizer extends Authorizer {
  authenticate(authorization: string | undefined): Promise<Principal> {
    const scope = /^Bearer (admin|runtime)$/.exec(authorization ?? '')?.[1] as Scope | undefined;
    if (!scope) return Promise.reject(unauthenticated());
    return Promise.resolve({ kind: 'api_key', keyId: 'k-1', tenantId: TENANT, scope });
  }

  authorize(principal: Principal, tenantId: string | undefined, need: Scope | 'operator'): void {
    if (principal.kind === 'operator') return;
    if (tenantId !== principal.tenantId) throw tenantMismatch();
    if (need !== 'runtime' && principal.scope !== 'admin') throw insufficientScope('admin scope needed');
  }

  limitEndUserIp(): void {}
}

/** Audit: records what it is asked; the export is whatever `source` says. */
class FakeAudit extends AuditReader {
  readonly queries: AuditQuery[] = [];
  readonly filters: AuditFilter[] = [];
  readonly signals: AbortSignal[] = [];
  readonly kpiQueries: KpiQuery[] = [];
  readonly settingsSet: auditV1.KpiSettings[] = [];
  pulled = 0;
  source: (signal: AbortSignal | undefined) => AsyncGenerator<AuditEventView> = () => this.events(3);

  /** `count` events; then a failure, or a wait for the signal (a stream that goes quiet). */
  async *events(
    count: number,
    { padding = 0, then }: { padding?: number; then?: DomainError | 'wait' } = {},
    signal?: AbortSignal,
  ): AsyncGenerator<AuditEventView> {
    for (let sequence = 1; sequence <= count; sequence += 1) {
      this.pulled += 1;
      yield view(sequence, padding);
    }
    if (then instanceof DomainError) throw then;
    if (then === 'wait') {
      await new Promise((resolve) => signal?.addEventListener('abort', resolve, { once: true }));
    }
  }

  list(query: AuditQuery): Promise<AuditEventPageView> {
    this.queries.push(query);
    return Promise.resolve({ events: [view(1)], nextPageToken: 'next' });
  }

  export(filter: AuditFilter, signal?: AbortSignal): AsyncIterable<AuditEventView> {
    this.filters.push(filter);
    if (signal) this.signals.push(signal);
    return this.source(signal);
  }

  verifyChain(): Promise<auditV1.VerifyAuditChainResponse> {
    return Promise.resolve(
      auditV1.VerifyAuditChainResponse.fromJSON({
        intact: true,
        checked: '3',
        firstSequence: '1',
        lastSequence: '3',
      }),
    );
  }

  getMfaKpis(query: KpiQuery): Promise<auditV1.MfaKpis> {
    this.kpiQueries.push(query);
    return Promise.resolve(
      auditV1.MfaKpis.fromJSON({
        tenantId: query.tenantId,
        adoption: { activeUsers: '4', usersWithFactor: '3', rate: 0.75 },
        factorMix: [{ factorType: 'totp', active: '3' }],
      }),
    );
  }

  getKpiSettings(): Promise<auditV1.KpiSettings> {
    return Promise.resolve({ lossValuePerTakeover: '1500.00', currency: 'EUR' });
  }

  setKpiSettings(_tenantId: string, settings: auditV1.KpiSettings): Promise<auditV1.KpiSettings> {
    this.settingsSet.push(settings);
    return Promise.resolve(settings);
  }
}

const audit = new FakeAudit();
const logged: { fields: Record<string, unknown>; message: string }[] = [];
const logger = {
  error: (fields: Record<string, unknown>, message: string) => logged.push({ fields, message }),
  warn: () => undefined,
  info: () => undefined,
  debug: () => undefined,
} as unknown as Logger;

@Module({
  controllers: [AuditHttpController, KpisHttpController, AdminHttpController],
  providers: [
    loggerProvider(logger),
    { provide: Authorizer, useClass: FakeAuthorizer },
    { provide: AuditReader, useValue: audit },
    { provide: CreateTenantUseCase, useValue: {} },
    ListAuditEventsUseCase,
    ExportAuditEventsUseCase,
    VerifyAuditLogUseCase,
    GetMfaKpisUseCase,
    GetKpiSettingsUseCase,
    SetKpiSettingsUseCase,
  ],
})
class AuditRoutesModule {}

/** Reads `count` until two readings 100 ms apart agree (bounded), and returns that reading. */
async function settled(count: () => number, timeoutMs = 5_000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  let last = count();
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    const now = count();
    if (now === last || Date.now() > deadline) return now;
    last = now;
  }
}

describe('the audit and KPI routes', () => {
  let app: NestFastifyApplication;
  let url = '';

  beforeAll(async () => {
    app = await NestFactory.create<NestFastifyApplication>(AuditRoutesModule, new FastifyAdapter(), {
      logger: false,
    });
    // As the gateway is set up (gateway-app.ts).
    app
      .getHttpAdapter()
      .getInstance()
      .setErrorHandler((error: FastifyError, request, reply) => {
        sendProblem(reply, request, fromFastifyError(error) ?? toDomainError(error));
      });
    app.useGlobalFilters(new ProblemDetailsFilter(logger));
    await app.listen(0, '127.0.0.1');
    url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  });

  afterAll(async () => {
    await app.close();
  });

  beforeEach(() => {
    audit.queries.length = 0;
    audit.filters.length = 0;
    audit.signals.length = 0;
    audit.kpiQueries.length = 0;
    audit.settingsSet.length = 0;
    audit.pulled = 0;
    audit.source = () => audit.events(3);
    logged.length = 0;
  });

  const call = (path: string, init: RequestInit & { key?: string } = {}) =>
    fetch(`${url}${path}`, {
      ...init,
      headers: {
        authorization: `Bearer ${init.key ?? 'admin'}`,
        ...(init.body ? { 'content-type': 'application/json' } : {}),
      },
    });
  const problem = async (response: Response) => ({
    status: response.status,
    type: response.headers.get('content-type')?.split(';')[0],
    body: (await response.json()) as { code: string; errors?: { field: string }[] },
  });
  const exportPath = `/v1/tenants/${TENANT}/audit/export`;

  describe('GET …/audit/export', () => {
    it('streams one proto3-JSON AuditEvent per line, with the filters of the query', async () => {
      const response = await call(
        `${exportPath}?type=factors.&outcome=failure&userId=u-1` +
          '&fromTime=2026-01-01T00:00:00Z&toTime=2026-01-02T01:00:00%2B01:00',
      );
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('application/x-ndjson; charset=utf-8');
      expect(response.headers.get('cache-control')).toBe('no-store');
      expect(await response.text()).toBe([1, 2, 3].map((n) => `${line(view(n))}\n`).join(''));
      expect(audit.filters).toEqual([
        {
          tenantId: TENANT,
          userId: 'u-1',
          type: 'factors.',
          outcome: 'failure',
          from: new Date('2026-01-01T00:00:00Z'),
          to: new Date('2026-01-02T00:00:00Z'),
        },
      ]);
    });

    it('answers an empty export with an empty body', async () => {
      audit.source = () => audit.events(0);
      const response = await call(exportPath);
      expect([response.status, await response.text()]).toEqual([200, '']);
    });

    it('refuses bad filters and unknown parameters with problem details, before calling audit', async () => {
      for (const [query, field] of [
        ['?fromTime=yesterday', 'fromTime'],
        ['?fromTime=2026-01-01T00:00:00', 'fromTime'],
        ['?fromTime=2026-01-02T00:00:00Z&toTime=2026-01-01T00:00:00Z', 'toTime'],
        ['?outcome=maybe', 'outcome'],
        [`?tenantId=${TENANT}`, 'tenantId'],
      ] as const) {
        const answer = await problem(await call(`${exportPath}${query}`));
        expect({ query, ...answer }).toMatchObject({
          query,
          status: 400,
          type: 'application/problem+json',
          body: { code: 'VALIDATION_FAILED', errors: [{ field }] },
        });
      }
      expect((await problem(await call(`${exportPath}?pageSize=5`))).body.code).toBe('VALIDATION_FAILED');
      expect(audit.filters).toEqual([]);
    });

    it('answers an audit failure before the first line as problem details', async () => {
      audit.source = () =>
        audit.events(0, {
          then: new DomainError('UNAVAILABLE', 'UPSTREAM_UNAVAILABLE', 'audit cannot be reached'),
        });
      expect(await problem(await call(exportPath))).toEqual({
        status: 503,
        type: 'application/problem+json',
        body: expect.objectContaining({ code: 'UPSTREAM_UNAVAILABLE' }),
      });
    });

    it('cuts the body off, without a clean end, when audit fails midway, and logs it', async () => {
      audit.source = () =>
        audit.events(2, { then: new DomainError('UNAVAILABLE', 'UPSTREAM_UNAVAILABLE', 'audit went away') });
      const response = await call(exportPath);
      expect(response.status).toBe(200);
      const reader = response.body!.getReader();
      const decoder = new TextDecoder();
      let text = '';
      const cutOff = await (async () => {
        for (;;) {
          const chunk = await reader.read();
          if (chunk.done) return false;
          text += decoder.decode(chunk.value, { stream: true });
        }
      })().catch(() => true);
      expect(cutOff).toBe(true);
      expect(text).toBe(`${line(view(1))}\n${line(view(2))}\n`);
      expect(logged).toEqual([
        {
          fields: expect.objectContaining({ tenantId: TENANT, linesWritten: 2 }),
          message: 'audit export failed midway; the response was cut off',
        },
      ]);
    });

    it('cancels the stream from audit when the client goes away', async () => {
      audit.source = (signal) => audit.events(1, { then: 'wait' }, signal);
      const client = new AbortController();
      const response = await call(exportPath, { signal: client.signal });
      const reader = response.body!.getReader();
      await reader.read();
      expect(audit.signals[0]?.aborted).toBe(false);
      client.abort();
      await new Promise<void>((resolve) => {
        if (audit.signals[0]?.aborted) resolve();
        audit.signals[0]?.addEventListener('abort', () => resolve(), { once: true });
      });
      expect(audit.signals[0]?.aborted).toBe(true);
      expect(logged).toEqual([]);
    });

    it('pulls from audit only as fast as the client reads', async () => {
      audit.source = () => audit.events(2_000, { padding: 64 * 1024 }); // 128 MiB in all
      const response = await call(exportPath);
      // Without backpressure the whole export would be pulled (and held in memory) at once; with
      // it, pulling stops once the socket and stream buffers are full.
      const pulledWhileUnread = await settled(() => audit.pulled);
      expect(pulledWhileUnread).toBeGreaterThan(0);
      expect(pulledWhileUnread).toBeLessThan(1_000);
      let lines = 0;
      const decoder = new TextDecoder();
      for await (const chunk of response.body as AsyncIterable<Uint8Array>) {
        lines += decoder.decode(chunk, { stream: true }).split('\n').length - 1;
      }
      expect(lines).toBe(2_000);
      expect(audit.pulled).toBe(2_000);
    });
  });

  describe('GET /v1/audit/events', () => {
    it('takes outcome and an RFC 3339 time range', async () => {
      const response = await call(
        `/v1/audit/events?tenantId=${TENANT}&type=identity.&outcome=success` +
          '&fromTime=2026-01-01T00:00:00.250Z&pageSize=20',
      );
      expect(response.status).toBe(200);
      expect(audit.queries).toEqual([
        {
          tenantId: TENANT,
          userId: undefined,
          type: 'identity.',
          outcome: 'success',
          from: new Date('2026-01-01T00:00:00.250Z'),
          to: undefined,
          pageSize: 20,
          pageToken: undefined,
        },
      ]);
      const body = (await response.json()) as { events: Record<string, unknown>[]; nextPageToken: string };
      expect(body.events[0]).toMatchObject({
        sequence: '1',
        outcome: 'failure',
        hash: 'ab'.repeat(32),
        previousHash: 'cd'.repeat(32),
        clientIp: '203.0.113.7',
      });
    });

    it('refuses an unknown outcome and an unknown parameter', async () => {
      for (const query of ['&outcome=won', '&from=2026-01-01T00:00:00Z']) {
        const answer = await problem(await call(`/v1/audit/events?tenantId=${TENANT}${query}`));
        expect(answer).toMatchObject({ status: 400, body: { code: 'VALIDATION_FAILED' } });
      }
    });
  });

  describe('GET …/audit/verify', () => {
    it("answers audit's chain report as result", async () => {
      const response = await call(`/v1/tenants/${TENANT}/audit/verify`);
      expect(await response.json()).toEqual({
        result: { intact: true, checked: '3', firstSequence: '1', lastSequence: '3' },
      });
    });
  });

  describe('GET …/kpis', () => {
    it('answers GetMfaKpisResponse in proto3 JSON for the period asked', async () => {
      const response = await call(
        `/v1/tenants/${TENANT}/kpis?fromTime=2026-01-01T00:00:00Z&toTime=2026-02-01T00:00:00Z`,
      );
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({
        kpis: {
          tenantId: TENANT,
          adoption: { activeUsers: '4', usersWithFactor: '3', rate: 0.75 },
          factorMix: [{ factorType: 'totp', active: '3' }],
        },
      });
      expect(audit.kpiQueries).toEqual([
        { tenantId: TENANT, from: new Date('2026-01-01T00:00:00Z'), to: new Date('2026-02-01T00:00:00Z') },
      ]);
    });

    it("leaves the period to audit's default, and refuses one that ends before it starts", async () => {
      await call(`/v1/tenants/${TENANT}/kpis`);
      expect(audit.kpiQueries).toEqual([{ tenantId: TENANT, from: undefined, to: undefined }]);
      const answer = await problem(
        await call(`/v1/tenants/${TENANT}/kpis?fromTime=2026-02-01T00:00:00Z&toTime=2026-01-01T00:00:00Z`),
      );
      expect(answer).toMatchObject({ status: 400, body: { errors: [{ field: 'toTime' }] } });
    });
  });

  describe('…/kpi-settings', () => {
    const settingsPath = `/v1/tenants/${TENANT}/kpi-settings`;

    it('gets the settings, and replaces them from a body that is the settings themselves', async () => {
      expect(await (await call(settingsPath)).json()).toEqual({
        settings: { lossValuePerTakeover: '1500.00', currency: 'EUR' },
      });
      const response = await call(settingsPath, {
        method: 'PUT',
        body: JSON.stringify({ lossValuePerTakeover: '250', currency: 'usd' }),
      });
      expect(await response.json()).toEqual({ settings: { lossValuePerTakeover: '250', currency: 'USD' } });
      expect(audit.settingsSet).toEqual([{ lossValuePerTakeover: '250', currency: 'USD' }]);
    });

    it('refuses a bad amount or currency, a missing field and a repeated tenant, without calling audit', async () => {
      for (const [sent, field] of [
        [{ lossValuePerTakeover: '250', currency: 'EURO' }, 'currency'],
        [{ lossValuePerTakeover: '-1', currency: 'EUR' }, 'lossValuePerTakeover'],
        [{ lossValuePerTakeover: 250, currency: 'EUR' }, 'lossValuePerTakeover'],
        [{ currency: 'EUR' }, 'lossValuePerTakeover'],
        [{ lossValuePerTakeover: '250', currency: 'EUR', tenantId: TENANT }, 'tenantId'],
      ] as const) {
        const answer = await problem(await call(settingsPath, { method: 'PUT', body: JSON.stringify(sent) }));
        expect({ sent, ...answer }).toMatchObject({
          sent,
          body: { code: 'VALIDATION_FAILED', errors: [{ field }] },
          status: 400,
        });
      }
      expect(audit.settingsSet).toEqual([]);
    });
  });

  it('refuses a runtime key, a key of another tenant and no key on every new route', async () => {
    const routes: [string, string][] = [
      ['GET', exportPath],
      ['GET', `/v1/tenants/${TENANT}/audit/verify`],
      ['GET', `/v1/tenants/${TENANT}/kpis`],
      ['GET', `/v1/tenants/${TENANT}/kpi-settings`],
      ['PUT', `/v1/tenants/${TENANT}/kpi-settings`],
    ];
    const body = JSON.stringify({ lossValuePerTakeover: '1', currency: 'EUR' });
    for (const [method, path] of routes) {
      const withBody = method === 'PUT' ? { body } : {};
      const runtime = await problem(await call(path, { method, key: 'runtime', ...withBody }));
      expect({ path, method, ...runtime }).toMatchObject({
        path,
        method,
        status: 403,
        type: 'application/problem+json',
        body: { code: 'INSUFFICIENT_SCOPE' },
      });
      const other = await problem(
        await call(path.replace(TENANT, OTHER_TENANT), { method, key: 'admin', ...withBody }),
      );
      expect({ path, code: other.body.code }).toEqual({ path, code: 'TENANT_MISMATCH' });
      const none = await problem(await call(path, { method, key: 'nobody', ...withBody }));
      expect({ path, status: none.status }).toEqual({ path, status: 401 });
    }
    expect([audit.filters, audit.kpiQueries, audit.settingsSet]).toEqual([[], [], []]);
  });
});
