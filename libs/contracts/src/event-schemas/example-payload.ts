import * as protobuf from 'protobufjs';
import { decodeEventPayload, type EventPayload, type EventType } from '../events';
import { eventMessageType } from './event-schemas';

/** A message with every field set to a non-default value: nested messages filled, one element per repeated field. */
function sample(type: protobuf.Type): Record<string, unknown> {
  const object: Record<string, unknown> = {};
  for (const field of type.fieldsArray) {
    const value = sampleValue(field);
    object[field.name] = field.repeated ? [value] : value;
  }
  return object;
}

function sampleValue(field: protobuf.Field): unknown {
  const resolved = field.resolvedType;
  if (resolved instanceof protobuf.Enum) return Object.keys(resolved.values).at(-1);
  if (resolved?.fullName === '.google.protobuf.Timestamp') return { seconds: 1767225600, nanos: 123000000 };
  if (resolved?.fullName === '.google.protobuf.Duration') return { seconds: 90, nanos: 500000000 };
  if (resolved instanceof protobuf.Type) return sample(resolved);
  switch (field.type) {
    case 'string':
      return `${field.name}-1`;
    case 'bool':
      return true;
    case 'bytes':
      return Buffer.from([1, 2, 3]);
    case 'int64':
    case 'sint64':
    case 'sfixed64':
      return '-9007199254740993';
    case 'uint64':
    case 'fixed64':
      return '18446744073709551615';
    case 'int32':
    case 'sint32':
    case 'sfixed32':
      return -42;
    default:
      return 42; // uint32, fixed32, double, float
  }
}

/**
 * A payload of the type with every field set to a non-default value (nested messages filled, one
 * element per repeated field), through the protobuf wire form: for documentation and tests.
 */
export function exampleEventPayload<K extends EventType>(type: K): EventPayload<K> {
  const message = eventMessageType(type);
  return decodeEventPayload(type, message.encode(message.fromObject(sample(message))).finish());
}
