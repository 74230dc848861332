import { z } from 'zod';
import type { JsonSchema } from './json-schema';

/** What stands in for a part zod cannot describe and no hand-written schema covers. */
const UNDESCRIBED: JsonSchema = {
  description: 'Not described by the request schema; the gateway checks it when the request arrives.',
};

/**
 * The JSON Schema (draft 2020-12) of what a zod schema accepts, with zod's own converter in
 * `io: 'input'` mode, adjusted where the edge schemas say more than the converter can see:
 * - a property whose schema accepts `undefined` (a preprocess step that supplies a default, e.g.
 *   `context` or `rememberDevice`) is optional, though the converter lists it as required;
 * - a part the converter cannot represent (dates, custom checks, bigints) takes the hand-written
 *   schema `fallbacks[<property name>]`, or a permissive schema with a note;
 * - a schema it cannot convert at all becomes `fallbacks['']`, or a permissive one.
 * It never throws: an undocumented detail must not take the API document down.
 */
export function zodInputSchema(
  schema: z.core.$ZodType,
  fallbacks: Readonly<Record<string, JsonSchema>> = {},
): JsonSchema {
  try {
    const converted = z.toJSONSchema(schema, {
      target: 'draft-2020-12',
      io: 'input',
      // Inline reused parts: a `$defs` reference would not resolve inside the OpenAPI document.
      reused: 'inline',
      cycles: 'throw',
      unrepresentable: ({ path }) => ({ ...(fallbacks[propertyNameOf(path)] ?? UNDESCRIBED) }),
      override: ({ zodSchema, jsonSchema }) => relaxDefaulted(zodSchema, jsonSchema as JsonSchema),
    }) as JsonSchema;
    const { $schema: _dialect, ...rest } = converted;
    return rest;
  } catch {
    return { ...(fallbacks[''] ?? UNDESCRIBED) };
  }
}

/** The property a JSON Schema path ends in (`['properties', 'a', 'properties', 'b']` → `b`), or ''. */
function propertyNameOf(path: readonly (string | number)[]): string {
  for (let i = path.length - 1; i > 0; i -= 1) {
    const name = path[i];
    if (path[i - 1] === 'properties' && typeof name === 'string') return name;
  }
  return '';
}

/** Drops from `required` the properties whose zod schema accepts an absent value. */
function relaxDefaulted(zodSchema: z.core.$ZodType, jsonSchema: JsonSchema): void {
  if (!(zodSchema instanceof z.core.$ZodObject) || !Array.isArray(jsonSchema['required'])) return;
  const shape = zodSchema._zod.def.shape;
  const required = (jsonSchema['required'] as unknown[]).filter((name) => {
    const property = typeof name === 'string' ? shape[name] : undefined;
    return property === undefined || !acceptsAbsent(property);
  });
  if (required.length > 0) jsonSchema['required'] = required;
  else delete jsonSchema['required'];
}

function acceptsAbsent(schema: z.core.$ZodType): boolean {
  try {
    return z.safeParse(schema, undefined).success;
  } catch {
    return false;
  }
}
