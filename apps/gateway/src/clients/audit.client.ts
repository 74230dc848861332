import {
  type ClientReadableStream,
  credentials,
  type GrpcObject,
  loadPackageDefinition,
  Metadata,
  type ServiceClientConstructor,
  status,
} from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import {
  auditV1,
  fromTimestamp,
  PROTO_FILES,
  PROTO_PACKAGES,
  type Timestamp,
  toTimestamp,
} from '@portcullis/contracts';
import { fromGrpcError, GrpcPeer, PROTO_LOADER_OPTIONS, withoutNulls } from '@portcullis/grpc';
import { injectTraceContext } from '@portcullis/observability';
import type { AuditEventPageView, AuditEventView } from '../domain/model';
import { type AuditFilter, type AuditQuery, AuditReader, type KpiQuery } from '../domain/ports';

/**
 * How long an export may stream. Not the unary deadline: a tenant's whole log takes minutes to
 * stream to a slow client, and the call is cancelled as soon as that client goes away. The bound
 * only ends an export that nobody cancels (a client that reads nothing and never disconnects).
 */
export const DEFAULT_EXPORT_DEADLINE_MS = 60 * 60_000;

interface ExportClient {
  exportAuditEvents(
    request: auditV1.ExportAuditEventsRequest,
    metadata: Metadata,
    options: { deadline: Date },
  ): ClientReadableStream<auditV1.ExportAuditEventsResponse>;
  close(): void;
}

const timestampOf = (date: Date | undefined): Timestamp | undefined =>
  date === undefined ? undefined : toTimestamp(date);

function toAuditEventView(e: auditV1.AuditEvent): AuditEventView {
  return {
    eventId: e.eventId,
    tenantId: e.tenantId,
    type: e.type,
    userId: e.userId,
    source: e.source,
    occurredAt: fromTimestamp(e.occurTime) ?? new Date(0),
    recordedAt: fromTimestamp(e.recordTime) ?? new Date(0),
    dataJson: e.dataJson,
    sequence: e.sequence,
    outcome: e.outcome,
    hash: e.hash,
    previousHash: e.previousHash,
    clientIp: e.clientIp,
  };
}

/**
 * The audit service over gRPC. Unary calls go through GrpcPeer (the configured deadline, trace
 * context, DomainErrors). The export uses the grpc-js server-streaming method of the same loaded
 * service definition rather than the generated Nest client, whose Observable pushes every message
 * as it arrives: the grpc-js stream is read one message at a time, so HTTP/2 flow control holds
 * audit back while the gateway's own client is slow.
 */
export class GrpcAuditReader extends AuditReader {
  private readonly peer: GrpcPeer<auditV1.AuditServiceClient>;
  private readonly streams: ExportClient;

  constructor(
    url: string,
    deadlineMs: number,
    private readonly exportDeadlineMs = DEFAULT_EXPORT_DEADLINE_MS,
  ) {
    super();
    this.peer = new GrpcPeer({
      url,
      protoPath: PROTO_FILES.audit,
      packageName: PROTO_PACKAGES.audit,
      serviceName: auditV1.AUDIT_SERVICE_NAME,
      deadlineMs,
    });
    const root = loadPackageDefinition(loadSync(PROTO_FILES.audit, PROTO_LOADER_OPTIONS));
    const service = PROTO_PACKAGES.audit
      .split('.')
      .reduce<GrpcObject>((node, name) => node[name] as GrpcObject, root)[
      auditV1.AUDIT_SERVICE_NAME
    ] as ServiceClientConstructor;
    this.streams = new service(url, credentials.createInsecure()) as unknown as ExportClient;
  }

  async list(q: AuditQuery): Promise<AuditEventPageView> {
    const response = await this.peer.call('listAuditEvents', {
      tenantId: q.tenantId,
      userId: q.userId ?? '',
      type: q.type ?? '',
      pageSize: q.pageSize ?? 0,
      pageToken: q.pageToken ?? '',
      outcome: q.outcome ?? '',
      fromTime: timestampOf(q.from),
      toTime: timestampOf(q.to),
    });
    return { nextPageToken: response.nextPageToken, events: response.events.map(toAuditEventView) };
  }

  async *export(filter: AuditFilter, signal?: AbortSignal): AsyncGenerator<AuditEventView> {
    if (signal?.aborted) return;
    const metadata = new Metadata();
    for (const [key, value] of Object.entries(injectTraceContext())) metadata.set(key, value);
    const call = this.streams.exportAuditEvents(
      {
        filter: {
          tenantId: filter.tenantId,
          userId: filter.userId ?? '',
          type: filter.type ?? '',
          outcome: filter.outcome ?? '',
          fromTime: timestampOf(filter.from),
          toTime: timestampOf(filter.to),
        },
      },
      metadata,
      { deadline: new Date(Date.now() + this.exportDeadlineMs) },
    );
    // Cancels at once, even while waiting for audit's next message (a generator's return() would
    // wait for that message first).
    const cancel = () => call.cancel();
    signal?.addEventListener('abort', cancel, { once: true });
    try {
      for await (const response of call as AsyncIterable<auditV1.ExportAuditEventsResponse>) {
        const event = withoutNulls(response).event;
        if (event) yield toAuditEventView(event);
      }
    } catch (error) {
      if (signal?.aborted && (error as { code?: unknown }).code === status.CANCELLED) return;
      throw fromGrpcError(error, auditV1.AUDIT_SERVICE_NAME);
    } finally {
      signal?.removeEventListener('abort', cancel);
      // Stopped early by the consumer: audit stops streaming too. A no-op once the call ended.
      call.cancel();
    }
  }

  async verifyChain(tenantId: string): Promise<auditV1.VerifyAuditChainResponse> {
    return this.peer.call('verifyAuditChain', { tenantId });
  }

  async getMfaKpis(q: KpiQuery): Promise<auditV1.MfaKpis> {
    const response = await this.peer.call('getMfaKpis', {
      tenantId: q.tenantId,
      fromTime: timestampOf(q.from),
      toTime: timestampOf(q.to),
    });
    return response.kpis ?? auditV1.MfaKpis.fromJSON({ tenantId: q.tenantId });
  }

  async getKpiSettings(tenantId: string): Promise<auditV1.KpiSettings> {
    const response = await this.peer.call('getKpiSettings', { tenantId });
    return response.settings ?? auditV1.KpiSettings.fromJSON({});
  }

  async setKpiSettings(tenantId: string, settings: auditV1.KpiSettings): Promise<auditV1.KpiSettings> {
    const response = await this.peer.call('setKpiSettings', { tenantId, settings });
    return response.settings ?? settings;
  }

  onModuleDestroy(): void {
    this.peer.close();
    this.streams.close();
  }
}
