/** A JSON Schema (draft 2020-12, the dialect of OpenAPI 3.1), as plain JSON. */
export type JsonSchema = { [keyword: string]: unknown };

/** `{ $ref }` to a schema in the document's components. */
export function schemaRef(name: string, description?: string): JsonSchema {
  return description
    ? { $ref: `#/components/schemas/${name}`, description }
    : { $ref: `#/components/schemas/${name}` };
}

export function isJsonObject(value: unknown): value is JsonSchema {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The `properties` of an object schema, or none. */
export function propertiesOf(schema: JsonSchema): Record<string, JsonSchema> {
  return isJsonObject(schema['properties']) ? (schema['properties'] as Record<string, JsonSchema>) : {};
}

/** The `required` list of an object schema, or an empty one. */
export function requiredOf(schema: JsonSchema): string[] {
  const required = schema['required'];
  return Array.isArray(required) ? required.filter((name): name is string => typeof name === 'string') : [];
}
