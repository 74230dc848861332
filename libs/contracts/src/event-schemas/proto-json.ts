import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import * as protobuf from 'protobufjs';
import { PROTO_ROOT } from '../proto-files';

/** A JSON Schema (draft 2020-12), as plain JSON. */
export type JsonSchema = { [keyword: string]: unknown };

/** The event payload protos: every .proto under proto/portcullis/events. */
const EVENTS_DIR = join(PROTO_ROOT, 'portcullis/events');

let root: protobuf.Root | undefined;

/** The event payload messages read from the .proto sources with protobufjs (comments included). */
export function eventProtoRoot(): protobuf.Root {
  if (root) return root;
  const files = readdirSync(EVENTS_DIR, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.proto'))
    .sort()
    .map((file) => join(EVENTS_DIR, file));
  const loaded = new protobuf.Root();
  // Well-known types (google/protobuf/*) are bundled with protobufjs and found by that name.
  loaded.resolvePath = (_origin, target) =>
    target.startsWith('google/protobuf/') || target.startsWith(PROTO_ROOT)
      ? target
      : join(PROTO_ROOT, target);
  loaded.loadSync(files, { keepCase: false, alternateCommentMode: true });
  loaded.resolveAll();
  root = loaded;
  return loaded;
}

/**
 * JSON Schema of a message in proto3 JSON form, as the generated `toJSON` writes it: lowerCamelCase
 * names, 64-bit integers as decimal strings, enums by name, Timestamp as an RFC 3339 string. Fields
 * equal to their default are left out, so none is required; unknown properties are refused.
 * Nested messages and enums are `$ref`s to `#/$defs/<full name>`, collected in `defs`.
 */
export function messageJsonSchema(type: protobuf.Type, defs: Record<string, JsonSchema>): JsonSchema {
  const properties: Record<string, JsonSchema> = {};
  for (const field of type.fieldsArray) {
    const value = valueSchema(field, defs);
    const schema = field.repeated ? { type: 'array', items: value } : value;
    properties[field.name] = field.comment ? { ...schema, description: unwrap(field.comment) } : schema;
  }
  return {
    type: 'object',
    ...(type.comment ? { description: unwrap(type.comment) } : {}),
    properties,
    additionalProperties: false,
  };
}

function valueSchema(field: protobuf.Field, defs: Record<string, JsonSchema>): JsonSchema {
  if (field instanceof protobuf.MapField) throw new Error(`map field ${field.fullName} is not supported`);
  const resolved = field.resolvedType;
  if (!resolved) {
    const scalar = SCALARS[field.type];
    if (!scalar) throw new Error(`unknown scalar type ${field.type} of ${field.fullName}`);
    return { ...scalar };
  }
  const fullName = resolved.fullName.replace(/^\./, '');
  const wellKnown = WELL_KNOWN[fullName];
  if (wellKnown) return { ...wellKnown };
  if (!(fullName in defs)) {
    defs[fullName] = {}; // registered first, so a message containing itself ends in a $ref
    defs[fullName] =
      resolved instanceof protobuf.Enum
        ? { type: 'string', enum: Object.keys(resolved.values) }
        : messageJsonSchema(resolved, defs);
  }
  return { $ref: `#/$defs/${fullName}` };
}

/** A proto comment as prose: the lines of a paragraph joined. */
function unwrap(comment: string): string {
  return comment.replace(/([^\n])\n(?![\n\-*])/g, '$1 ').trim();
}

const INT32: JsonSchema = { type: 'integer', minimum: -2147483648, maximum: 2147483647 };
const UINT32: JsonSchema = { type: 'integer', minimum: 0, maximum: 4294967295 };
const INT64: JsonSchema = { type: 'string', pattern: '^-?[0-9]+$' };
const UINT64: JsonSchema = { type: 'string', pattern: '^[0-9]+$' };

/** proto3 scalar types in proto3 JSON. */
const SCALARS: Readonly<Record<string, JsonSchema>> = {
  double: { type: 'number' },
  float: { type: 'number' },
  int32: INT32,
  sint32: INT32,
  sfixed32: INT32,
  uint32: UINT32,
  fixed32: UINT32,
  int64: INT64,
  sint64: INT64,
  sfixed64: INT64,
  uint64: UINT64,
  fixed64: UINT64,
  bool: { type: 'boolean' },
  string: { type: 'string' },
  bytes: { type: 'string', contentEncoding: 'base64' },
};

/** Well-known types with a special proto3 JSON form, inlined where they are used. */
const WELL_KNOWN: Readonly<Record<string, JsonSchema>> = {
  'google.protobuf.Timestamp': { type: 'string', format: 'date-time' },
  'google.protobuf.Duration': { type: 'string', pattern: '^-?[0-9]+(\\.[0-9]{1,9})?s$' },
};
