import { createServer } from 'node:net';
import {
  type ClientReadableStream,
  credentials,
  loadPackageDefinition,
  Metadata,
  type ServiceError,
} from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { Module, type Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { INestMicroservice } from '@nestjs/common';
import { auditV1, PROTO_FILES, PROTO_PACKAGES } from '@portcullis/contracts';
import { DomainError } from '@portcullis/errors';
import { ERROR_METADATA, GrpcHealth, grpcServerOptions, PROTO_LOADER_OPTIONS } from '@portcullis/grpc';
import type { Logger } from '@portcullis/observability';
import { insufficientScope, tenantMismatch, unauthenticated } from '../auth/auth.errors';
import { Authorizer } from '../auth/authorizer';
import type { Principal, Scope } from '../auth/principal';
import type { AuditEventPageView, AuditEventView } from '../domain/model';
import { type AuditFilter, AuditReader, type KpiQuery } from '../domain/ports';
import { ProblemDetailsFilter } from '../http/problem-details.filter';
import { ActivateFactorUseCase } from '../use-cases/activate-factor/activate-factor.use-case';
import { BeginFactorEnrollmentUseCase } from '../use-cases/begin-factor-enrollment/begin-factor-enrollment.use-case';
import { CreateApiKeyUseCase } from '../use-cases/create-api-key/create-api-key.use-case';
import { CreateTenantUseCase } from '../use-cases/create-tenant/create-tenant.use-case';
import { CreateUserUseCase } from '../use-cases/create-user/create-user.use-case';
import { ExportAuditEventsUseCase } from '../use-cases/export-audit-events/export-audit-events.use-case';
import { GetFactorPolicyUseCase } from '../use-cases/get-factor-policy/get-factor-policy.use-case';
import { GetKpiSettingsUseCase } from '../use-cases/get-kpi-settings/get-kpi-settings.use-case';
import { GetMfaKpisUseCase } from '../use-cases/get-mfa-kpis/get-mfa-kpis.use-case';
import { GetUserUseCase } from '../use-cases/get-user/get-user.use-case';
import { ListApiKeysUseCase } from '../use-cases/list-api-keys/list-api-keys.use-case';
import { ListAuditEventsUseCase } from '../use-cases/list-audit-events/list-audit-events.use-case';
import { ListFactorsUseCase } from '../use-cases/list-factors/list-factors.use-case';
import { RemoveFactorUseCase } from '../use-cases/remove-factor/remove-factor.use-case';
import { ResetFactorsUseCase } from '../use-cases/reset-factors/reset-factors.use-case';
import { RevokeApiKeyUseCase } from '../use-cases/revoke-api-key/revoke-api-key.use-case';
import { SetFactorPolicyUseCase } from '../use-cases/set-factor-policy/set-factor-policy.use-case';
import { SetKpiSettingsUseCase } from '../use-cases/set-kpi-settings/set-kpi-settings.use-case';
import { StartChallengeUseCase } from '../use-cases/start-challenge/start-challenge.use-case';
import { UpdateFactorUseCase } from '../use-cases/update-factor/update-factor.use-case';
import { VerifyAuditLogUseCase } from '../use-cases/verify-audit-log/verify-audit-log.use-case';
import { VerifyChallengeUseCase } from '../use-cases/verify-challenge/verify-challenge.use-case';
import { GatewayGrpcController } from './gateway.controller';

const TENANT = '0b6e3c1a-9f1e-4d5a-8a55-3f0c1d2e4b6a';

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

class FakeAudit extends AuditReader {
  readonly filters: AuditFilter[] = [];
  readonly signals: AbortSignal[] = [];
  readonly kpiQueries: KpiQuery[] = [];
  pulled = 0;
  exportCount = 3;
  exportPadding = 0;
  exportThen: DomainError | 'wait' | undefined;

  list(): Promise<AuditEventPageView> {
    return Promise.resolve({ events: [], nextPageToken: '' });
  }

  async *export(filter: AuditFilter, signal?: AbortSignal): AsyncGenerator<AuditEventView> {
    this.filters.push(filter);
    if (signal) this.signals.push(signal);
    for (let sequence = 1; sequence <= this.exportCount; sequence += 1) {
      this.pulled += 1;
      yield view(sequence, this.exportPadding);
    }
    if (this.exportThen instanceof DomainError) throw this.exportThen;
    if (this.exportThen === 'wait') {
      await new Promise((resolve) => signal?.addEventListener('abort', resolve, { once: true }));
    }
  }

  verifyChain(): Promise<auditV1.VerifyAuditChainResponse> {
    return Promise.resolve(
      auditV1.VerifyAuditChainResponse.fromJSON({
        intact: false,
        checked: '3',
        problems: [{ kind: 'EDITED', sequence: '2', detail: 'hash differs' }],
      }),
    );
  }

  getMfaKpis(query: KpiQuery): Promise<auditV1.MfaKpis> {
    this.kpiQueries.push(query);
    return Promise.resolve(
      auditV1.MfaKpis.fromJSON({ tenantId: query.tenantId, adoption: { activeUsers: '4', rate: 0.5 } }),
    );
  }

  getKpiSettings(): Promise<auditV1.KpiSettings> {
    return Promise.resolve({ lossValuePerTakeover: '1500.00', currency: 'EUR' });
  }

  setKpiSettings(_tenantId: string, settings: auditV1.KpiSettings): Promise<auditV1.KpiSettings> {
    return Promise.resolve(settings);
  }
}

const audit = new FakeAudit();
const logger = {
  error: () => undefined,
  warn: () => undefined,
  info: () => undefined,
} as unknown as Logger;
/** Use-cases of the other RPCs: never called here. */
const UNUSED: Type[] = [
  CreateApiKeyUseCase,
  ListApiKeysUseCase,
  RevokeApiKeyUseCase,
  CreateTenantUseCase,
  CreateUserUseCase,
  GetUserUseCase,
  BeginFactorEnrollmentUseCase,
  ActivateFactorUseCase,
  ListFactorsUseCase,
  UpdateFactorUseCase,
  RemoveFactorUseCase,
  ResetFactorsUseCase,
  StartChallengeUseCase,
  VerifyChallengeUseCase,
  GetFactorPolicyUseCase,
  SetFactorPolicyUseCase,
];

@Module({
  controllers: [GatewayGrpcController],
  providers: [
    { provide: Authorizer, useClass: FakeAuthorizer },
    { provide: AuditReader, useValue: audit },
    ListAuditEventsUseCase,
    ExportAuditEventsUseCase,
    VerifyAuditLogUseCase,
    GetMfaKpisUseCase,
    GetKpiSettingsUseCase,
    SetKpiSettingsUseCase,
    ...UNUSED.map((useCase) => ({ provide: useCase, useValue: {} })),
  ],
})
class GatewayGrpcModule {}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

type Stream = ClientReadableStream<{ event?: { sequence: string; outcome: string; clientIp: string } }>;
interface GatewayClient {
  exportAuditEvents(request: object, metadata: Metadata): Stream;
  verifyAuditLog(
    request: object,
    metadata: Metadata,
    callback: (e: ServiceError | null, r?: unknown) => void,
  ): void;
  getMfaKpis(
    request: object,
    metadata: Metadata,
    callback: (e: ServiceError | null, r?: unknown) => void,
  ): void;
  setKpiSettings(
    request: object,
    metadata: Metadata,
    callback: (e: ServiceError | null, r?: unknown) => void,
  ): void;
  close(): void;
}

const bearer = (scope: string) => {
  const metadata = new Metadata();
  metadata.set('authorization', `Bearer ${scope}`);
  return metadata;
};

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

/** The events and the error of a whole stream. */
async function drain(stream: Stream): Promise<{ sequences: string[]; error?: ServiceError }> {
  const sequences: string[] = [];
  try {
    for await (const response of stream) sequences.push(response.event?.sequence ?? '?');
    return { sequences };
  } catch (error) {
    return { sequences, error: error as ServiceError };
  }
}

describe('the gateway gRPC API: audit and KPIs', () => {
  let app: INestMicroservice;
  let client: GatewayClient;

  beforeAll(async () => {
    const port = await freePort();
    app = await NestFactory.createMicroservice(GatewayGrpcModule, {
      ...grpcServerOptions(
        {
          host: '127.0.0.1',
          port,
          protoPaths: [PROTO_FILES.gateway],
          packages: [PROTO_PACKAGES.gateway],
        },
        new GrpcHealth(),
      ),
      logger: false,
    });
    app.useGlobalFilters(new ProblemDetailsFilter(logger));
    await app.listen();
    const definition = loadPackageDefinition(loadSync(PROTO_FILES.gateway, PROTO_LOADER_OPTIONS)) as any; // eslint-disable-line @typescript-eslint/no-explicit-any
    const Service = definition.portcullis.gateway.v1.GatewayService;
    client = new Service(`127.0.0.1:${port}`, credentials.createInsecure()) as GatewayClient;
  });

  afterAll(async () => {
    client.close();
    await app.close();
  });

  beforeEach(() => {
    audit.filters.length = 0;
    audit.signals.length = 0;
    audit.kpiQueries.length = 0;
    audit.pulled = 0;
    audit.exportCount = 3;
    audit.exportPadding = 0;
    audit.exportThen = undefined;
  });

  const unary = (
    method: 'verifyAuditLog' | 'getMfaKpis' | 'setKpiSettings',
    request: object,
    scope = 'admin',
  ) =>
    new Promise<{ response?: unknown; error?: ServiceError }>((resolve) =>
      client[method](request, bearer(scope), (error, response) => resolve(error ? { error } : { response })),
    );

  it('streams ExportAuditEvents, one message per event, with the filter of the request', async () => {
    const stream = client.exportAuditEvents(
      {
        tenantId: TENANT,
        type: 'factors.',
        outcome: 'failure',
        fromTime: { seconds: '1767225600', nanos: 0 },
      },
      bearer('admin'),
    );
    const received: unknown[] = [];
    for await (const response of stream) received.push(response.event);
    expect(received).toHaveLength(3);
    expect(received[0]).toMatchObject({
      eventId: 'e-1',
      sequence: '1',
      outcome: 'failure',
      hash: 'ab'.repeat(32),
      clientIp: '203.0.113.7',
      occurTime: { seconds: '1767225601' },
    });
    expect(audit.filters).toEqual([
      {
        tenantId: TENANT,
        userId: undefined,
        type: 'factors.',
        outcome: 'failure',
        from: new Date('2026-01-01T00:00:00Z'),
        to: undefined,
      },
    ]);
  });

  it('refuses a runtime key with its code, before reading anything from audit', async () => {
    const { sequences, error } = await drain(
      client.exportAuditEvents({ tenantId: TENANT }, bearer('runtime')),
    );
    expect(sequences).toEqual([]);
    expect(error?.code).toBe(7);
    expect(error?.metadata.get(ERROR_METADATA.code)).toEqual(['INSUFFICIENT_SCOPE']);
    expect(audit.filters).toEqual([]);
  });

  it("ends the stream with audit's status and code when audit fails midway", async () => {
    audit.exportThen = new DomainError('UNAVAILABLE', 'UPSTREAM_UNAVAILABLE', 'audit went away');
    const { sequences, error } = await drain(client.exportAuditEvents({ tenantId: TENANT }, bearer('admin')));
    expect(sequences).toEqual(['1', '2', '3']);
    expect(error?.code).toBe(14);
    expect(error?.metadata.get(ERROR_METADATA.code)).toEqual(['UPSTREAM_UNAVAILABLE']);
  });

  it("cancels audit's stream when the client cancels", async () => {
    audit.exportThen = 'wait';
    const stream = client.exportAuditEvents({ tenantId: TENANT }, bearer('admin'));
    await new Promise((resolve) => stream.once('data', resolve));
    const ended = drain(stream);
    stream.cancel();
    await new Promise<void>((resolve) => {
      const check = () => (audit.signals[0]?.aborted ? resolve() : setTimeout(check, 10));
      check();
    });
    expect(audit.signals[0]?.aborted).toBe(true);
    expect((await ended).error?.code).toBe(1); // CANCELLED
  });

  it('pulls from audit only as fast as the client reads', async () => {
    audit.exportCount = 2_000;
    audit.exportPadding = 64 * 1024; // 128 MiB in all
    const stream = client.exportAuditEvents({ tenantId: TENANT }, bearer('admin'));
    // A client that reads one message and then none (grpc-js's async iterator asks for messages
    // one at a time; a merely paused stream would go on reading into memory).
    const messages = stream[Symbol.asyncIterator]();
    await messages.next();
    // Without backpressure the whole export would be pulled (and held in memory) at once; with
    // it, pulling stops once flow-control windows and the call's buffers are full.
    const pulledWhileUnread = await settled(() => audit.pulled);
    expect(pulledWhileUnread).toBeGreaterThan(0);
    expect(pulledWhileUnread).toBeLessThan(1_000);
    let received = 1;
    while (!(await messages.next()).done) received += 1;
    expect(received).toBe(2_000);
  });

  it('answers VerifyAuditLog, GetMfaKpis and SetKpiSettings, admin only', async () => {
    expect((await unary('verifyAuditLog', { tenantId: TENANT })).response).toMatchObject({
      result: { intact: false, checked: '3', problems: [{ kind: 'EDITED', sequence: '2' }] },
    });
    expect(
      (await unary('getMfaKpis', { tenantId: TENANT, toTime: { seconds: '1769904000', nanos: 0 } })).response,
    ).toMatchObject({ kpis: { tenantId: TENANT, adoption: { activeUsers: '4', rate: 0.5 } } });
    expect(audit.kpiQueries).toEqual([
      { tenantId: TENANT, from: undefined, to: new Date('2026-02-01T00:00:00Z') },
    ]);
    expect(
      (
        await unary('setKpiSettings', {
          tenantId: TENANT,
          settings: { lossValuePerTakeover: '99.5', currency: 'gbp' },
        })
      ).response,
    ).toEqual({ settings: { lossValuePerTakeover: '99.5', currency: 'GBP' } });

    const missing = await unary('setKpiSettings', { tenantId: TENANT });
    expect(missing.error?.code).toBe(3);
    expect(missing.error?.metadata.get(ERROR_METADATA.code)).toEqual(['VALIDATION_FAILED']);
    const runtime = await unary('getMfaKpis', { tenantId: TENANT }, 'runtime');
    expect(runtime.error?.metadata.get(ERROR_METADATA.code)).toEqual(['INSUFFICIENT_SCOPE']);
  });
});
