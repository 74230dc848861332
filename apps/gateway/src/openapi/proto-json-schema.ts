import { isAbsolute, join } from 'node:path';
import { PROTO_ROOT } from '@portcullis/contracts';
import * as protobuf from 'protobufjs';
import { type JsonSchema, schemaRef } from './json-schema';

/**
 * JSON Schemas of proto messages in their proto3 JSON form (what the generated `toJSON` writes and
 * `fromJSON` reads): lowerCamelCase names, 64-bit integers as decimal strings, enums by name,
 * `google.protobuf.Timestamp` as an RFC 3339 string, repeated fields as arrays, maps as objects,
 * oneof members as optional properties. Fields equal to their default are left out of proto3 JSON,
 * so no property is required; unknown properties are allowed, as new fields may be added to `v1`.
 *
 * Read from the .proto sources with protobufjs (comments included), not from the generated code,
 * which has no reflection.
 */
export class ProtoJsonSchemas {
  private readonly root: protobuf.Root;
  /** Component name of each type already converted, by full name (without the leading dot). */
  private readonly names = new Map<string, string>();
  private readonly schemas = new Map<string, JsonSchema>();
  /** Short names used by more than one type of the loaded files. */
  private readonly ambiguous: ReadonlySet<string>;

  /**
   * @param files .proto files (absolute, or relative to proto/); their imports resolve under proto/.
   * @param primaryPackage types of this package keep their short names even when another package
   *   has a type of the same name (which is then named by its full name).
   */
  constructor(
    files: readonly string[],
    private readonly primaryPackage: string,
  ) {
    const root = new protobuf.Root();
    // Well-known types (google/protobuf/*) are bundled with protobufjs and found by that name.
    root.resolvePath = (_origin, target) =>
      isAbsolute(target) || target.startsWith('google/protobuf/') ? target : join(PROTO_ROOT, target);
    root.loadSync([...files], { keepCase: false, alternateCommentMode: true });
    root.resolveAll();
    this.root = root;

    const seen = new Map<string, number>();
    const count = (namespace: protobuf.NamespaceBase) => {
      for (const nested of namespace.nestedArray) {
        if (nested instanceof protobuf.Type || nested instanceof protobuf.Enum) {
          seen.set(nested.name, (seen.get(nested.name) ?? 0) + 1);
        }
        if (nested instanceof protobuf.Namespace || nested instanceof protobuf.Type) count(nested);
      }
    };
    count(root);
    this.ambiguous = new Set([...seen].filter(([, n]) => n > 1).map(([name]) => name));
  }

  /** `{ $ref }` to the message or enum `typeName` (full name), adding it and what it uses to the components. */
  ref(typeName: string, description?: string): JsonSchema {
    const type = this.root.lookupTypeOrEnum(typeName) as protobuf.Type | protobuf.Enum;
    return schemaRef(this.componentOf(type), description);
  }

  /** The component name of a type, converting it on first use. */
  componentName(typeName: string): string {
    return this.componentOf(this.root.lookupTypeOrEnum(typeName));
  }

  /** The RPCs of a service (full name) by name: their comment and response message (full name). */
  serviceMethods(serviceName: string): Map<string, { comment: string; responseType: string }> {
    const service = this.root.lookupService(serviceName);
    return new Map(
      service.methodsArray.map((method) => [
        method.name,
        {
          comment: unwrap(method.comment ?? ''),
          responseType: (method.resolvedResponseType?.fullName ?? method.responseType).replace(/^\./, ''),
        },
      ]),
    );
  }

  /** Every schema converted so far, by component name, sorted. */
  components(): Record<string, JsonSchema> {
    return Object.fromEntries([...this.schemas].sort(([a], [b]) => a.localeCompare(b)));
  }

  private componentOf(type: protobuf.Type | protobuf.Enum): string {
    const fullName = type.fullName.replace(/^\./, '');
    const known = this.names.get(fullName);
    if (known) return known;
    const inPrimary = fullName === `${this.primaryPackage}.${type.name}`;
    const name = inPrimary || !this.ambiguous.has(type.name) ? type.name : fullName;
    this.names.set(fullName, name);
    // Registered before conversion, so a message that (indirectly) contains itself ends in a $ref.
    this.schemas.set(name, {});
    this.schemas.set(name, type instanceof protobuf.Enum ? enumSchema(type) : this.messageSchema(type));
    return name;
  }

  private messageSchema(type: protobuf.Type): JsonSchema {
    const properties: Record<string, JsonSchema> = {};
    for (const field of type.fieldsArray) properties[field.name] = this.fieldSchema(field);
    return {
      type: 'object',
      ...describe(type.comment),
      properties,
    };
  }

  private fieldSchema(field: protobuf.Field): JsonSchema {
    const notes = [field.comment ? unwrap(field.comment) : undefined];
    const oneof = field.partOf;
    if (oneof && !isSyntheticOneof(oneof)) {
      const members = oneof.fieldsArray.map((member) => `\`${member.name}\``).join(', ');
      notes.push(`One of ${members} (oneof \`${oneof.name}\`): at most one is set.`);
    }
    const description = notes.filter(Boolean).join('\n\n') || undefined;

    if (field instanceof protobuf.MapField) {
      return {
        type: 'object',
        ...describe(description),
        ...(MAP_KEY_PATTERNS[field.keyType]
          ? { propertyNames: { pattern: MAP_KEY_PATTERNS[field.keyType] } }
          : {}),
        additionalProperties: this.valueSchema(field),
      };
    }
    if (field.repeated) return { type: 'array', ...describe(description), items: this.valueSchema(field) };
    const value = this.valueSchema(field);
    return description ? { ...value, description } : value;
  }

  /** The schema of one value of a field (an element, for repeated and map fields). */
  private valueSchema(field: protobuf.Field): JsonSchema {
    const resolved = field.resolvedType;
    if (resolved) {
      const wellKnown = WELL_KNOWN[resolved.fullName.replace(/^\./, '')];
      if (wellKnown) return { ...wellKnown };
      return schemaRef(this.componentOf(resolved));
    }
    const scalar = SCALARS[field.type];
    // Every proto3 scalar type is listed; an unknown one would be a protobufjs change.
    return scalar ? { ...scalar } : {};
  }
}

function describe(text: string | null | undefined): { description?: string } {
  return text ? { description: unwrap(text) } : {};
}

/**
 * A proto comment as prose: lines of one paragraph joined (Markdown would join them anyway, the
 * explorer page would not); blank lines and list items kept.
 */
function unwrap(comment: string): string {
  return comment.replace(/([^\n])\n(?![\n\-*])/g, '$1 ').trim();
}

/** proto3 `optional` fields live in a synthetic oneof named `_<field>`; they are plain optional fields. */
function isSyntheticOneof(oneof: protobuf.OneOf): boolean {
  return oneof.fieldsArray.length === 1 && oneof.fieldsArray[0]?.options?.['proto3_optional'] === true;
}

function enumSchema(type: protobuf.Enum): JsonSchema {
  return {
    type: 'string',
    ...describe(type.comment),
    enum: Object.keys(type.values),
  };
}

const INT64: JsonSchema = {
  type: 'string',
  pattern: '^-?[0-9]+$',
  description: '64-bit integer as a decimal string (proto3 JSON).',
};
const UINT64: JsonSchema = {
  type: 'string',
  pattern: '^[0-9]+$',
  description: 'Unsigned 64-bit integer as a decimal string (proto3 JSON).',
};
const INT32: JsonSchema = { type: 'integer', format: 'int32' };
const UINT32: JsonSchema = { type: 'integer', minimum: 0, maximum: 4294967295 };

/** proto3 scalar types in proto3 JSON. */
const SCALARS: Readonly<Record<string, JsonSchema>> = {
  double: { type: 'number', format: 'double' },
  float: { type: 'number', format: 'float' },
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

/** Map keys are always strings in JSON; integer keys are their decimal form. */
const MAP_KEY_PATTERNS: Readonly<Record<string, string>> = {
  int32: '^-?[0-9]+$',
  sint32: '^-?[0-9]+$',
  sfixed32: '^-?[0-9]+$',
  int64: '^-?[0-9]+$',
  sint64: '^-?[0-9]+$',
  sfixed64: '^-?[0-9]+$',
  uint32: '^[0-9]+$',
  fixed32: '^[0-9]+$',
  uint64: '^[0-9]+$',
  fixed64: '^[0-9]+$',
  bool: '^(true|false)$',
};

const wrapper = (schema: JsonSchema): JsonSchema => ({ ...schema, type: [schema['type'], 'null'] });

/** Well-known types with a special proto3 JSON form, inlined where they are used. */
const WELL_KNOWN: Readonly<Record<string, JsonSchema>> = {
  'google.protobuf.Timestamp': {
    type: 'string',
    format: 'date-time',
    description: 'RFC 3339 date and time in UTC, e.g. 2025-01-31T09:30:00.000Z.',
  },
  'google.protobuf.Duration': {
    type: 'string',
    pattern: '^-?[0-9]+(\\.[0-9]{1,9})?s$',
    description: 'Seconds with an `s` suffix, e.g. 1.5s.',
  },
  'google.protobuf.Empty': { type: 'object' },
  'google.protobuf.Struct': { type: 'object' },
  'google.protobuf.Value': {},
  'google.protobuf.ListValue': { type: 'array' },
  'google.protobuf.FieldMask': { type: 'string', description: 'Comma-separated lowerCamelCase field paths.' },
  'google.protobuf.Any': {
    type: 'object',
    required: ['@type'],
    properties: { '@type': { type: 'string' } },
  },
  'google.protobuf.DoubleValue': wrapper(SCALARS['double'] ?? {}),
  'google.protobuf.FloatValue': wrapper(SCALARS['float'] ?? {}),
  'google.protobuf.Int32Value': wrapper(INT32),
  'google.protobuf.UInt32Value': wrapper(UINT32),
  'google.protobuf.Int64Value': wrapper(INT64),
  'google.protobuf.UInt64Value': wrapper(UINT64),
  'google.protobuf.BoolValue': { type: ['boolean', 'null'] },
  'google.protobuf.StringValue': { type: ['string', 'null'] },
  'google.protobuf.BytesValue': { type: ['string', 'null'], contentEncoding: 'base64' },
};
