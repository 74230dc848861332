import { auditV1, fromTimestamp, PROTO_FILES, PROTO_PACKAGES } from '@portcullis/contracts';
import { GrpcPeer } from '@portcullis/grpc';
import type { AuditEventPageView } from '../domain/model';
import { type AuditQuery, AuditReader } from '../domain/ports';

export class GrpcAuditReader extends AuditReader {
  private readonly peer: GrpcPeer<auditV1.AuditServiceClient>;

  constructor(url: string, deadlineMs: number) {
    super();
    this.peer = new GrpcPeer({
      url,
      protoPath: PROTO_FILES.audit,
      packageName: PROTO_PACKAGES.audit,
      serviceName: auditV1.AUDIT_SERVICE_NAME,
      deadlineMs,
    });
  }

  async list(q: AuditQuery): Promise<AuditEventPageView> {
    const response = await this.peer.call('listAuditEvents', {
      tenantId: q.tenantId,
      userId: q.userId ?? '',
      type: q.type ?? '',
      pageSize: q.pageSize ?? 0,
      pageToken: q.pageToken ?? '',
    });
    return {
      nextPageToken: response.nextPageToken,
      events: response.events.map((e) => ({
        eventId: e.eventId,
        tenantId: e.tenantId,
        type: e.type,
        userId: e.userId,
        source: e.source,
        occurredAt: fromTimestamp(e.occurTime) ?? new Date(0),
        recordedAt: fromTimestamp(e.recordTime) ?? new Date(0),
        dataJson: e.dataJson,
        sequence: e.sequence,
      })),
    };
  }

  onModuleDestroy(): void {
    this.peer.close();
  }
}
