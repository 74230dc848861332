import {
  loadPackageDefinition,
  Server,
  ServerCredentials,
  type ServerUnaryCall,
  type ServerWritableStream,
  type sendUnaryData,
} from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { PROTO_FILES } from '@portcullis/contracts';
import { DomainError } from '@portcullis/errors';
import { PROTO_LOADER_OPTIONS, toGrpcError } from '@portcullis/grpc';
import { GrpcAuditReader } from './audit.client';

const TENANT = '0b6e3c1a-9f1e-4d5a-8a55-3f0c1d2e4b6a';
const USER = '5d2c7a9b-1e3f-4a6b-9c8d-7e6f5a4b3c2d';

type Request = Record<string, unknown>;

const auditEvent = (sequence: number) => ({
  eventId: `e-${sequence}`,
  tenantId: TENANT,
  type: 'factors.challenge.failed',
  userId: USER,
  source: 'portcullis.factors.events.v1',
  occurTime: { seconds: '1767225600', nanos: 0 },
  recordTime: { seconds: '1767225601', nanos: 0 },
  dataJson: '{}',
  sequence: String(sequence),
  outcome: 'failure',
  hash: 'ab'.repeat(32),
  previousHash: 'cd'.repeat(32),
  clientIp: '203.0.113.7',
});

/** Audit's gRPC API, loaded from its .proto with the platform's loader options. */
class AuditStandIn {
  readonly requests: { method: string; request: Request }[] = [];
  /** The export: its events, then how it ends, and the gap between events. */
  exportEvents = 3;
  exportEnd: 'end' | 'error' | 'stall' = 'end';
  exportGapMs = 0;
  /** Padding of each exported event's dataJson, to fill flow-control windows quickly. */
  exportPadding = 0;
  /** Resolves true when the client cancelled the last export. */
  exportCancelled: Promise<boolean> = Promise.resolve(false);
  /** Events the last export had written when it stopped. */
  exportWritten = 0;
  private readonly server = new Server();
  address = '';

  async start(): Promise<void> {
    const definition = loadPackageDefinition(loadSync(PROTO_FILES.audit, PROTO_LOADER_OPTIONS)) as any; // eslint-disable-line @typescript-eslint/no-explicit-any
    const unary =
      (method: string, answer: (request: Request) => unknown) =>
      (call: ServerUnaryCall<Request, unknown>, callback: sendUnaryData<unknown>) => {
        this.requests.push({ method, request: call.request });
        const response = answer(call.request);
        if (response === 'never') return;
        if (response instanceof DomainError) callback(toGrpcError(response));
        else callback(null, response);
      };
    this.server.addService(definition.portcullis.audit.v1.AuditService.service, {
      ListAuditEvents: unary('ListAuditEvents', () => ({
        events: [auditEvent(7)],
        nextPageToken: 'next',
      })),
      VerifyAuditChain: unary('VerifyAuditChain', () => 'never'),
      GetMfaKpis: unary('GetMfaKpis', (r) => ({
        kpis: { tenantId: r['tenantId'], adoption: { activeUsers: '2', usersWithFactor: '1', rate: 0.5 } },
      })),
      GetKpiSettings: unary('GetKpiSettings', () => ({
        settings: { lossValuePerTakeover: '1500.00', currency: 'EUR' },
      })),
      SetKpiSettings: unary('SetKpiSettings', (r) =>
        (r['settings'] as { currency: string }).currency === 'XYZ'
          ? new DomainError('INVALID_ARGUMENT', 'VALIDATION_FAILED', 'currency: not ISO 4217')
          : { settings: r['settings'] },
      ),
      ExportAuditEvents: (call: ServerWritableStream<Request, unknown>) => {
        this.requests.push({ method: 'ExportAuditEvents', request: call.request });
        this.exportWritten = 0;
        let cancelled = false;
        this.exportCancelled = new Promise((resolve) => {
          call.on('cancelled', () => {
            cancelled = true;
            resolve(true);
          });
          call.on('finish', () => resolve(false));
        });
        void (async () => {
          for (let sequence = 1; sequence <= this.exportEvents && !cancelled; sequence += 1) {
            if (this.exportGapMs > 0) await new Promise((resolve) => setTimeout(resolve, this.exportGapMs));
            if (cancelled) return;
            const event = {
              ...auditEvent(sequence),
              dataJson: JSON.stringify({ pad: 'x'.repeat(this.exportPadding) }),
            };
            // As a well-behaved server does: waits while the client is not reading.
            if (!call.write({ event })) await new Promise((resolve) => call.once('drain', resolve));
            this.exportWritten = sequence;
          }
          if (this.exportEnd === 'end') call.end();
          else if (this.exportEnd === 'error') {
            call.emit(
              'error',
              toGrpcError(new DomainError('UNAVAILABLE', 'AUDIT_STORE_UNAVAILABLE', 'the store went away')),
            );
          }
        })();
      },
    });
    const port = await new Promise<number>((resolve, reject) =>
      this.server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (error, bound) =>
        error ? reject(error) : resolve(bound),
      ),
    );
    this.address = `127.0.0.1:${port}`;
  }

  stop(): void {
    this.server.forceShutdown();
  }
}

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

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const item of items) all.push(item);
  return all;
}

describe('GrpcAuditReader', () => {
  const audit = new AuditStandIn();
  let reader: GrpcAuditReader;
  /** A unary deadline of 150 ms (and exports of at most 5 s). */
  let impatient: GrpcAuditReader;

  beforeAll(async () => {
    await audit.start();
    reader = new GrpcAuditReader(audit.address, 10_000);
    impatient = new GrpcAuditReader(audit.address, 150, 5_000);
  });
  afterAll(() => {
    reader.onModuleDestroy();
    impatient.onModuleDestroy();
    audit.stop();
  });
  beforeEach(() => {
    audit.requests.length = 0;
    audit.exportEvents = 3;
    audit.exportEnd = 'end';
    audit.exportGapMs = 0;
    audit.exportPadding = 0;
  });

  it('lists with every filter, times as Timestamps, and maps the chain fields of each event', async () => {
    const page = await reader.list({
      tenantId: TENANT,
      type: 'factors.',
      outcome: 'failure',
      from: new Date('2026-01-01T00:00:00Z'),
      to: new Date('2026-01-02T00:00:00.500Z'),
      pageSize: 10,
    });
    expect(audit.requests[0]?.request).toEqual({
      tenantId: TENANT,
      userId: '',
      type: 'factors.',
      pageSize: 10,
      pageToken: '',
      outcome: 'failure',
      fromTime: { seconds: '1767225600', nanos: 0 },
      toTime: { seconds: '1767312000', nanos: 500_000_000 },
    });
    expect(page.nextPageToken).toBe('next');
    expect(page.events[0]).toEqual({
      eventId: 'e-7',
      tenantId: TENANT,
      type: 'factors.challenge.failed',
      userId: USER,
      source: 'portcullis.factors.events.v1',
      occurredAt: new Date('2026-01-01T00:00:00Z'),
      recordedAt: new Date('2026-01-01T00:00:01Z'),
      dataJson: '{}',
      sequence: '7',
      outcome: 'failure',
      hash: 'ab'.repeat(32),
      previousHash: 'cd'.repeat(32),
      clientIp: '203.0.113.7',
    });
  });

  it('leaves absent times unset', async () => {
    await reader.list({ tenantId: TENANT });
    expect(audit.requests[0]?.request).toMatchObject({ fromTime: null, toTime: null, outcome: '' });
  });

  it('exports the stream with the filter, one event at a time', async () => {
    const events = await collect(
      reader.export({ tenantId: TENANT, userId: USER, type: 'identity.', from: new Date(1767225600_000) }),
    );
    expect(events.map((e) => e.sequence)).toEqual(['1', '2', '3']);
    expect(events[2]).toMatchObject({ outcome: 'failure', clientIp: '203.0.113.7', dataJson: '{"pad":""}' });
    expect(audit.requests[0]?.request).toEqual({
      filter: {
        tenantId: TENANT,
        userId: USER,
        type: 'identity.',
        outcome: '',
        fromTime: { seconds: '1767225600', nanos: 0 },
        toTime: null,
      },
    });
  });

  it('reads only as fast as its consumer: audit is held back meanwhile, nothing piles up', async () => {
    audit.exportEvents = 2_000;
    audit.exportPadding = 16 * 1024; // 32 MiB in all
    let count = 0;
    let writtenWhilePaused = 0;
    for await (const _event of reader.export({ tenantId: TENANT })) {
      count += 1;
      if (count === 1) writtenWhilePaused = await settled(() => audit.exportWritten);
    }
    expect(count).toBe(2_000);
    // Flow-control windows and socket buffers hold a few MiB at most, far from the whole export.
    expect(writtenWhilePaused).toBeLessThan(500);
  });

  it('is not bound by the unary deadline: an export may take longer than one call', async () => {
    audit.exportGapMs = 200; // 3 events, 600 ms, with a unary deadline of 150 ms
    expect((await collect(impatient.export({ tenantId: TENANT }))).length).toBe(3);
  });

  it('cancels the call when the consumer stops early', async () => {
    audit.exportEvents = 1_000;
    audit.exportGapMs = 5;
    for await (const event of reader.export({ tenantId: TENANT })) {
      expect(event.sequence).toBe('1');
      break;
    }
    await expect(audit.exportCancelled).resolves.toBe(true);
    expect(audit.exportWritten).toBeLessThan(1_000);
  });

  it('cancels at once when the signal aborts while it waits, and ends quietly', async () => {
    audit.exportEnd = 'stall';
    const aborted = new AbortController();
    const sequences: string[] = [];
    for await (const event of reader.export({ tenantId: TENANT }, aborted.signal)) {
      sequences.push(event.sequence);
      if (sequences.length === 3) setTimeout(() => aborted.abort(), 20);
    }
    expect(sequences).toEqual(['1', '2', '3']);
    await expect(audit.exportCancelled).resolves.toBe(true);
  });

  it("fails with audit's DomainError where the stream broke", async () => {
    audit.exportEnd = 'error';
    const sequences: string[] = [];
    const error = await (async () => {
      for await (const event of reader.export({ tenantId: TENANT })) sequences.push(event.sequence);
    })().catch((e: unknown) => e);
    expect(sequences).toEqual(['1', '2', '3']);
    expect(error).toBeInstanceOf(DomainError);
    expect(error).toMatchObject({ kind: 'UNAVAILABLE', code: 'AUDIT_STORE_UNAVAILABLE' });
  });

  it('honours the configured deadline for unary calls', async () => {
    const error = await impatient.verifyChain(TENANT).catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'DEADLINE_EXCEEDED', code: 'UPSTREAM_TIMEOUT' });
  });

  it('reads KPIs and KPI settings, and passes audit refusals through', async () => {
    const kpis = await reader.getMfaKpis({ tenantId: TENANT, from: new Date('2026-01-01T00:00:00Z') });
    expect(kpis.adoption).toEqual({ activeUsers: '2', usersWithFactor: '1', rate: 0.5 });
    expect(audit.requests[0]?.request).toMatchObject({
      tenantId: TENANT,
      fromTime: { seconds: '1767225600', nanos: 0 },
      toTime: null,
    });

    await expect(reader.getKpiSettings(TENANT)).resolves.toEqual({
      lossValuePerTakeover: '1500.00',
      currency: 'EUR',
    });
    await expect(
      reader.setKpiSettings(TENANT, { lossValuePerTakeover: '10', currency: 'USD' }),
    ).resolves.toEqual({ lossValuePerTakeover: '10', currency: 'USD' });
    await expect(
      reader.setKpiSettings(TENANT, { lossValuePerTakeover: '10', currency: 'XYZ' }),
    ).rejects.toMatchObject({ code: 'VALIDATION_FAILED', kind: 'INVALID_ARGUMENT' });
  });
});
