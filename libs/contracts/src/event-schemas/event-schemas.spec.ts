import { readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import {
  EVENT_CATALOGUE,
  type EventType,
  decodeEventPayload,
  encodeEventPayload,
  eventPayloadToJson,
} from '../events';
import { cloudEventSchema, eventDataSchema, eventSchemaUri, eventSource } from './event-schemas';
import { exampleEventPayload } from './example-payload';
import { renderEventSchemaDocs } from './docs';

const DOCS_DIR = resolve(__dirname, '../../../../docs/events');
const TYPES = Object.keys(EVENT_CATALOGUE) as EventType[];

const ajv = addFormats(new Ajv2020({ strict: true, allErrors: true }));
const validators = new Map(TYPES.map((type) => [type, ajv.compile(cloudEventSchema(type))]));
function validator(type: EventType) {
  const validate = validators.get(type);
  if (!validate) throw new Error(`no validator for ${type}`);
  return validate;
}

/** The filled payload of a type, through the protobuf wire form and the catalogue codec, in proto3 JSON. */
function samplePayloadJson(type: EventType): Record<string, unknown> {
  return eventPayloadToJson(type, encodeEventPayload(type, exampleEventPayload(type))) as Record<
    string,
    unknown
  >;
}

function cloudEvent(type: EventType, data: unknown): Record<string, unknown> {
  const payload = data as { tenantId: string; userId?: string };
  return {
    specversion: '1.0',
    id: '0b0f6a4e-5c55-4c1e-9d43-7a3f2f5f7c11',
    source: eventSource(type),
    type,
    subject: payload.userId ?? payload.tenantId,
    time: '2026-01-01T00:00:00.123Z',
    datacontenttype: 'application/json',
    dataschema: eventSchemaUri(type),
    tenantid: payload.tenantId,
    traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
    auditsequence: '42',
    audithash: 'a'.repeat(64),
    auditprevioushash: '0'.repeat(64),
    auditoutcome: 'none',
    data,
  };
}

describe('event schemas', () => {
  describe.each(TYPES)('%s', (type) => {
    const validate = validator(type);
    const data = samplePayloadJson(type);

    it('describes every field of the payload in proto3 JSON form', () => {
      const properties = eventDataSchema(type)['properties'] as Record<string, unknown>;
      expect(Object.keys(data).sort()).toEqual(Object.keys(properties).sort());
      expect(ajv.validate(eventDataSchema(type), data)).toBe(true);
    });

    it('accepts a filled record', () => {
      const valid = validate(cloudEvent(type, data));
      expect(validate.errors ?? []).toEqual([]);
      expect(valid).toBe(true);
    });

    it('accepts the empty payload (every field at its default)', () => {
      const empty = eventPayloadToJson(
        type,
        encodeEventPayload(type, decodeEventPayload(type, new Uint8Array())),
      );
      expect(validate({ ...cloudEvent(type, data), data: empty })).toBe(true);
    });

    it('refuses an unknown property, a wrongly typed field and a missing attribute', () => {
      expect(validate(cloudEvent(type, { ...data, unknownField: 'x' }))).toBe(false);
      expect(validate(cloudEvent(type, { ...data, tenantId: 7 }))).toBe(false);
      expect(validate({ ...cloudEvent(type, data), colour: 'blue' })).toBe(false);
      const { tenantid: _tenantid, ...withoutTenant } = cloudEvent(type, data);
      expect(validate(withoutTenant)).toBe(false);
      expect(validate({ ...cloudEvent(type, data), type: 'another.event.type' })).toBe(false);
      expect(validate({ ...cloudEvent(type, data), time: 'yesterday' })).toBe(false);
    });
  });

  it('refuses a 64-bit integer as a JSON number and a timestamp that is not RFC 3339', () => {
    const int64 = cloudEvent('factors.challenge.verified', { tenantId: 't', durationMs: 1200 });
    expect(validator('factors.challenge.verified')(int64)).toBe(false);
    const timestamp = cloudEvent('factors.challenge.started', { tenantId: 't', expireTime: 'soon' });
    expect(validator('factors.challenge.started')(timestamp)).toBe(false);
  });

  it('matches the committed docs/events (run `npm run events:schemas` after a proto change)', () => {
    const expected = renderEventSchemaDocs();
    const committed = Object.fromEntries(
      readdirSync(DOCS_DIR).map((file) => [file, readFileSync(resolve(DOCS_DIR, file), 'utf8')]),
    );
    expect(Object.keys(committed).sort()).toEqual(Object.keys(expected).sort());
    for (const [file, content] of Object.entries(expected))
      expect([file, committed[file]]).toEqual([file, content]);
  });
});
