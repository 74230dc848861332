import type * as protobuf from 'protobufjs';
import { EVENT_CATALOGUE, type EventType } from '../events';
import { TOPICS } from '../topics';
import { eventProtoRoot, type JsonSchema, messageJsonSchema } from './proto-json';

export type { JsonSchema } from './proto-json';

const DRAFT_2020_12 = 'https://json-schema.org/draft/2020-12/schema';

const SHA256_PATTERN = '^[0-9a-f]{64}$';

/** W3C Trace Context `traceparent`: version-traceid-parentid-flags. */
const TRACEPARENT_PATTERN = '^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$';

/** The URI naming the schema of an event type's records (the CloudEvents `dataschema`). */
export function eventSchemaUri(type: EventType): string {
  return `https://portcullis.dev/schemas/events/${type}/v1.json`;
}

/** The CloudEvents `source` of an event type: `portcullis/<producing service>`. */
export function eventSource(type: EventType): string {
  return `portcullis/${type.slice(0, type.indexOf('.'))}`;
}

/** The protobufjs type of an event type's payload message. */
export function eventMessageType(type: EventType): protobuf.Type {
  return eventProtoRoot().lookupType(EVENT_CATALOGUE[type].messageName);
}

/**
 * JSON Schema (draft 2020-12) of an event's payload in proto3 JSON form, as `eventPayloadToJson`
 * writes it. No property is required: proto3 JSON leaves out fields equal to their default.
 */
export function eventDataSchema(type: EventType): JsonSchema {
  const defs: Record<string, JsonSchema> = {};
  const message = messageJsonSchema(eventMessageType(type), defs);
  return {
    $schema: DRAFT_2020_12,
    title: EVENT_CATALOGUE[type].messageName,
    ...message,
    ...(Object.keys(defs).length > 0 ? { $defs: sortedDefs(defs) } : {}),
  };
}

/**
 * JSON Schema (draft 2020-12) of one record of the analysts' topic (`portcullis.audit.v1`) of an
 * event type: a CloudEvents 1.0 structured-mode JSON event whose `data` is the payload in proto3
 * JSON form.
 */
export function cloudEventSchema(type: EventType): JsonSchema {
  const { $schema: _schema, $defs, ...data } = eventDataSchema(type);
  const { messageName, topic } = EVENT_CATALOGUE[type];
  const uri = eventSchemaUri(type);
  return {
    $schema: DRAFT_2020_12,
    $id: uri,
    title: type,
    description:
      `A \`${type}\` event as a CloudEvents 1.0 structured-mode JSON record of ${TOPICS.auditAnalyst}. ` +
      `Its data is the ${messageName} payload (published on ${topic}) in proto3 JSON form.`,
    type: 'object',
    required: [
      'specversion',
      'id',
      'source',
      'type',
      'time',
      'datacontenttype',
      'data',
      'tenantid',
      'auditsequence',
      'audithash',
      'auditprevioushash',
      'auditoutcome',
    ],
    properties: {
      specversion: { type: 'string', const: '1.0' },
      id: {
        type: 'string',
        minLength: 1,
        description: 'The event id (event-id header of the domain event): unique, for deduplication.',
      },
      source: { type: 'string', const: eventSource(type), description: 'The producing service.' },
      type: { type: 'string', const: type },
      subject: {
        type: 'string',
        minLength: 1,
        description: 'The user id, or the tenant id for an event about no particular user.',
      },
      time: { type: 'string', format: 'date-time', description: 'When the event occurred (RFC 3339).' },
      datacontenttype: { type: 'string', const: 'application/json' },
      dataschema: { type: 'string', const: uri },
      tenantid: { type: 'string', minLength: 1, description: 'Extension: the tenant id.' },
      traceparent: {
        type: 'string',
        pattern: TRACEPARENT_PATTERN,
        description: 'Extension: W3C Trace Context of the operation that caused the event.',
      },
      auditsequence: {
        type: 'string',
        pattern: '^[1-9][0-9]*$',
        description: "Extension: the record's position in its tenant's audit hash chain (1, 2, 3, ...).",
      },
      audithash: {
        type: 'string',
        pattern: SHA256_PATTERN,
        description: 'Extension: SHA-256 (hex) of the audit record (docs/audit.md says how to recompute it).',
      },
      auditprevioushash: {
        type: 'string',
        pattern: SHA256_PATTERN,
        description: "Extension: the previous record's audithash (64 zeros for a tenant's first record).",
      },
      auditoutcome: {
        type: 'string',
        enum: ['success', 'failure', 'denied', 'challenged', 'none'],
        description: 'Extension: what the event says about the attempt it reports.',
      },
      data,
    },
    additionalProperties: false,
    ...($defs ? { $defs } : {}),
  };
}

function sortedDefs(defs: Record<string, JsonSchema>): Record<string, JsonSchema> {
  return Object.fromEntries(Object.entries(defs).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
