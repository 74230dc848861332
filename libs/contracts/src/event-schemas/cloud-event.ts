import type { EventType } from '../events';
import { eventSchemaUri, eventSource } from './event-schemas';

/** The content type of the analysts' topic records (CloudEvents structured mode). */
export const CLOUD_EVENT_CONTENT_TYPE = 'application/cloudevents+json; charset=utf-8';

/** One audit record as published on the analysts' topic. */
export interface AnalystRecord {
  readonly eventId: string;
  readonly tenantId: string;
  readonly type: EventType;
  readonly userId: string | undefined;
  readonly occurredAt: Date;
  readonly data: unknown;
  readonly traceparent: string | undefined;
  /** The record's position in its tenant's audit chain, its hash and its predecessor's. */
  readonly sequence: string;
  readonly hash: string;
  readonly previousHash: string;
  readonly outcome: string;
}

/**
 * The CloudEvents 1.0 structured-mode JSON event of an audit record, as `cloudEventSchema`
 * describes it. The `audit*` extensions let a consumer keep its own witness of the chain.
 */
export function analystCloudEvent(r: AnalystRecord): Record<string, unknown> {
  return {
    specversion: '1.0',
    id: r.eventId,
    source: eventSource(r.type),
    type: r.type,
    subject: r.userId ?? r.tenantId,
    time: r.occurredAt.toISOString(),
    datacontenttype: 'application/json',
    dataschema: eventSchemaUri(r.type),
    tenantid: r.tenantId,
    ...(r.traceparent ? { traceparent: r.traceparent } : {}),
    auditsequence: r.sequence,
    audithash: r.hash,
    auditprevioushash: r.previousHash,
    auditoutcome: r.outcome,
    data: r.data,
  };
}
