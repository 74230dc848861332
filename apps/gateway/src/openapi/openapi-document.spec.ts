import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { HTTP_CODE_METADATA, METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { RequestMethod } from '@nestjs/common';
import { factorsV1, gatewayV1, riskV1 } from '@portcullis/contracts';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { startAuthenticationSchema } from '../api/flow.schemas';
import type { JsonSchema } from './json-schema';
import {
  buildOpenApiDocument,
  type OpenApiDocument,
  type OpenApiOperation,
  summaryOf,
} from './openapi-document';

const REPO_ROOT = resolve(__dirname, '../../../..');
/** Where the gateway's HTTP controllers live; every route of every controller there is documented. */
const CONTROLLER_DIRS = [resolve(__dirname, '../http'), __dirname];
/** Not part of the API: the passkey demo page; the KPI dashboard page and its static assets. */
const UNDOCUMENTED_CONTROLLERS = new Set(['DemoHttpController', 'DashboardHttpController']);

const document = buildOpenApiDocument({ serverUrl: '/', version: '1.2.3' });

interface DiscoveredRoute {
  readonly controller: string;
  readonly handler: string;
  readonly method: string;
  readonly path: string;
  readonly status: number;
  readonly scope: string;
}

/** Every HTTP route, from Nest's own metadata on the controller classes of CONTROLLER_DIRS. */
async function discoverRoutes(): Promise<DiscoveredRoute[]> {
  const routes: DiscoveredRoute[] = [];
  for (const dir of CONTROLLER_DIRS) {
    for (const file of readdirSync(dir).filter((name) => name.endsWith('.controller.ts'))) {
      const source = readFileSync(join(dir, file), 'utf8');
      const exports = (await import(join(dir, file))) as Record<string, unknown>;
      for (const exported of Object.values(exports)) {
        if (typeof exported !== 'function') continue;
        const prefix: unknown = Reflect.getMetadata(PATH_METADATA, exported);
        if (prefix === undefined || UNDOCUMENTED_CONTROLLERS.has(exported.name)) continue;
        const prototype = exported.prototype as object;
        for (const handler of Object.getOwnPropertyNames(prototype)) {
          const fn: unknown = Object.getOwnPropertyDescriptor(prototype, handler)?.value;
          if (typeof fn !== 'function') continue;
          const method = Reflect.getMetadata(METHOD_METADATA, fn) as RequestMethod | undefined;
          if (method === undefined) continue;
          const verb = RequestMethod[method].toLowerCase();
          for (const base of [prefix].flat() as string[]) {
            for (const sub of [Reflect.getMetadata(PATH_METADATA, fn) as string | string[]].flat()) {
              routes.push({
                controller: exported.name,
                handler,
                method: verb,
                path: openApiPath(base, sub),
                status:
                  (Reflect.getMetadata(HTTP_CODE_METADATA, fn) as number | undefined) ??
                  (verb === 'post' ? 201 : 200),
                scope: scopeInSource(source, handler),
              });
            }
          }
        }
      }
    }
  }
  return routes;
}

/** `v1/users` + `:userId` → `/v1/users/{userId}`. */
function openApiPath(base: string, sub: string): string {
  const joined = [base, sub]
    .map((part) => part.replace(/^\/+|\/+$/g, ''))
    .filter(Boolean)
    .join('/');
  return `/${joined}`.replace(/:(\w+)/g, '{$1}');
}

/** The scope the handler passes to `this.auth.authorize(principal, tenantId, '<scope>')`, or public. */
function scopeInSource(source: string, handler: string): string {
  const start = new RegExp(`\\n  (?:async )?${handler}\\(`).exec(source)?.index;
  if (start === undefined) return 'unknown';
  const next = source.indexOf('\n  @', start);
  const body = source.slice(start, next === -1 ? undefined : next);
  return /\.authorize\(\s*principal,[^,]+,\s*'(\w+)'\s*\)/.exec(body)?.[1] ?? 'public';
}

function operations(doc: OpenApiDocument): { method: string; path: string; operation: OpenApiOperation }[] {
  return Object.entries(doc.paths).flatMap(([path, item]) =>
    Object.entries(item).map(([method, operation]) => ({ method, path, operation: operation })),
  );
}

/** The JSON value a local `$ref` points at. */
function resolvePointer(doc: unknown, ref: string): unknown {
  if (!ref.startsWith('#/')) return undefined;
  return ref
    .slice(2)
    .split('/')
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce<unknown>(
      (node, key) => (node && typeof node === 'object' ? (node as Record<string, unknown>)[key] : undefined),
      doc,
    );
}

/** A schema with `$ref`s followed (one level at a time, as a reader would). */
function deref(schema: unknown): JsonSchema {
  let current = schema as JsonSchema;
  while (typeof current['$ref'] === 'string')
    current = resolvePointer(document, current['$ref']) as JsonSchema;
  return current;
}

function collectRefs(node: unknown, into: string[] = []): string[] {
  if (Array.isArray(node)) node.forEach((item) => collectRefs(item, into));
  else if (node && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) {
      if (key === '$ref' && typeof value === 'string') into.push(value);
      else collectRefs(value, into);
    }
  }
  return into;
}

/** Runs the OpenAPI schema validator (an ES module) in a child Node process. */
function validateOpenApi(doc: unknown): { valid: boolean; version?: string; errors?: unknown } {
  const script = `
    import { Validator } from '@seriousme/openapi-schema-validator';
    let input = '';
    for await (const chunk of process.stdin) input += chunk;
    const validator = new Validator();
    const result = await validator.validate(JSON.parse(input));
    process.stdout.write(JSON.stringify({ valid: result.valid, version: validator.version, errors: result.errors }));
  `;
  const output = execFileSync(process.execPath, ['--input-type=module', '--eval', script], {
    cwd: REPO_ROOT,
    input: JSON.stringify(doc),
    encoding: 'utf8',
  });
  return JSON.parse(output) as { valid: boolean; version?: string; errors?: unknown };
}

/** Ajv (draft 2020-12) over the document's schemas, addressed as `openapi.json#/components/schemas/<name>`. */
function schemaValidator() {
  const ajv = new Ajv2020({ strict: true, strictRequired: false, allErrors: true });
  addFormats(ajv);
  // OpenAPI's own numeric formats: annotations only.
  for (const format of ['int32', 'int64', 'float', 'double']) ajv.addFormat(format, true);
  ajv.addKeyword('components');
  ajv.addSchema({ $id: 'openapi.json', components: { schemas: document.components.schemas } });
  const rebase = (schema: unknown): unknown =>
    JSON.parse(
      JSON.stringify(schema).replace(/"#\/components\/schemas\//g, '"openapi.json#/components/schemas/'),
    );
  return {
    ajv,
    component: (name: string) => {
      const validate = ajv.getSchema(`openapi.json#/components/schemas/${name}`);
      if (!validate) throw new Error(`no schema ${name}`);
      return validate;
    },
    compile: (schema: unknown) => ajv.compile(rebase(schema) as object),
  };
}

describe('the OpenAPI document', () => {
  it('is a valid OpenAPI 3.1 document', () => {
    expect(document.openapi).toBe('3.1.0');
    const result = validateOpenApi(document);
    expect(result.errors).toBeUndefined();
    expect(result).toMatchObject({ valid: true, version: '3.1' });
  });

  it('is checked by a validator that refuses a broken document', () => {
    const { info: _info, ...withoutInfo } = document;
    expect(validateOpenApi(withoutInfo).valid).toBe(false);
  });

  it('documents every route of every HTTP controller, with its method, success status and scope', async () => {
    const routes = await discoverRoutes();
    // Guards the discovery itself: it must see the controllers it is meant to check.
    expect(routes.map((r) => r.controller)).toEqual(
      expect.arrayContaining([
        'AuthenticationsHttpController',
        'ApiKeysHttpController',
        'OpenApiHttpController',
      ]),
    );
    expect(routes.length).toBeGreaterThanOrEqual(38);

    const documented = new Map(operations(document).map((o) => [`${o.method} ${o.path}`, o.operation]));
    const missing = routes.filter((r) => !documented.has(`${r.method} ${r.path}`));
    expect(missing.map((r) => `${r.controller}.${r.handler}: ${r.method.toUpperCase()} ${r.path}`)).toEqual(
      [],
    );

    for (const route of routes) {
      const operation = documented.get(`${route.method} ${route.path}`);
      const where = `${route.controller}.${route.handler}`;
      expect({ where, statuses: Object.keys(operation?.responses ?? {}) }).toEqual({
        where,
        statuses: expect.arrayContaining([String(route.status)]),
      });
      expect({ where, scope: operation?.['x-portcullis-scope'] }).toEqual({ where, scope: route.scope });
    }

    // And nothing is documented that no controller serves.
    const served = new Set(routes.map((r) => `${r.method} ${r.path}`));
    expect([...documented.keys()].filter((key) => !served.has(key))).toEqual([]);
  });

  it('gives every operation a unique operationId, named after its gRPC method where there is one', () => {
    const ids = operations(document).map((o) => o.operation.operationId);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual(
      expect.arrayContaining([
        'createTenant',
        'startAuthentication',
        'verifyAuthentication',
        'createApiKey',
        'getJwks',
      ]),
    );
  });

  it('resolves every $ref', () => {
    const refs = collectRefs(document);
    expect(refs.length).toBeGreaterThan(100);
    expect(refs.filter((ref) => resolvePointer(document, ref) === undefined)).toEqual([]);
  });

  it('describes who may call each operation', () => {
    for (const { operation } of operations(document)) {
      const scope = operation['x-portcullis-scope'];
      expect(['operator', 'admin', 'runtime', 'public']).toContain(scope);
      if (scope === 'public') expect(operation.security).toEqual([]);
      else expect(operation.description).toContain(`Scope \`${scope}\``);
    }
    expect(document.components.securitySchemes['bearerAuth']).toMatchObject({
      type: 'http',
      scheme: 'bearer',
    });
    expect(document.paths['/v1/tenants']?.post?.['x-portcullis-scope']).toBe('operator');
  });

  it('takes startAuthentication from the zod schema: tenantId required, context optional with an ip', () => {
    const operation = document.paths['/v1/authentications']?.post;
    const schema = deref(
      (operation?.requestBody?.['content'] as Record<string, { schema: JsonSchema }>)['application/json']
        ?.schema,
    );
    expect(schema['required']).toEqual(['tenantId']);
    const context = (schema['properties'] as Record<string, JsonSchema>)['context'];
    expect(context?.['properties']).toHaveProperty('ip');
    expect(schema['oneOf']).toEqual([
      { required: ['userId'] },
      { required: ['externalId'] },
      { required: ['email'] },
    ]);
    // The gRPC loader's oneof marker is not part of the HTTP API.
    expect(schema['properties']).not.toHaveProperty('login');

    // What the edge accepts, the schema accepts, and the other way round for these samples.
    const validate = schemaValidator().compile(schema);
    const tenantId = '3f1c2a9e-5b7d-4c8e-9a1b-2c3d4e5f6a7b';
    for (const body of [
      { tenantId, userId: tenantId },
      { tenantId, email: 'ada@example.com', context: { ip: '203.0.113.7', userAgent: 'test' } },
    ]) {
      expect(startAuthenticationSchema.http.safeParse(body).success).toBe(true);
      expect(validate(body)).toBe(true);
    }
    for (const body of [
      { userId: tenantId },
      { tenantId },
      { tenantId, userId: tenantId, context: { ip: 'nope' } },
    ]) {
      expect(startAuthenticationSchema.http.safeParse(body).success).toBe(false);
      expect(validate(body)).toBe(false);
    }
  });

  it('moves path parameters and header-borne fields out of the body', () => {
    const begin = document.paths['/v1/users/{userId}/factors']?.post;
    const names = (begin?.parameters ?? []).map((p) => (p['name'] ?? p['$ref']) as string);
    expect(names).toEqual(['userId', 'X-End-User-IP', '#/components/parameters/IdempotencyKey']);
    const body = (begin?.requestBody?.['content'] as Record<string, { schema: JsonSchema }>)[
      'application/json'
    ]?.schema;
    expect(Object.keys(body?.['properties'] as object)).not.toEqual(expect.arrayContaining(['userId']));
    expect(body?.['properties']).not.toHaveProperty('clientIp');

    const remove = document.paths['/v1/users/{userId}/factors/{factorId}']?.delete;
    expect((remove?.parameters ?? []).map((p) => `${String(p['in'])}:${String(p['name'])}`)).toEqual([
      'path:userId',
      'path:factorId',
      'query:tenantId',
      'header:X-MFA-Proof',
    ]);
    expect(remove?.parameters?.find((p) => p['name'] === 'tenantId')?.['required']).toBe(true);
  });

  it('answers errors as problem+json, with Retry-After on 429', () => {
    const operation = document.paths['/v1/step-ups']?.post;
    for (const status of ['400', '401', '403', '404', '409', '429']) {
      const response = deref(operation?.responses[status]);
      expect(response['content']).toEqual({
        'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } },
      });
    }
    expect(deref(operation?.responses['429'])['headers']).toHaveProperty('Retry-After');
    expect(deref(document.components.schemas['Problem'])['required']).toEqual([
      'type',
      'title',
      'status',
      'detail',
      'code',
    ]);
  });

  it('derives the Authentication schema from the proto message', () => {
    const authentication = deref(document.components.schemas['Authentication']);
    const properties = authentication['properties'] as Record<string, JsonSchema>;
    expect(properties['status']).toMatchObject({ type: 'string' });
    expect(properties['createTime']).toMatchObject({ type: 'string', format: 'date-time' });
    const risk = deref(properties['risk']);
    const reasons = (risk['properties'] as Record<string, JsonSchema>)['reasons'];
    expect(reasons?.['type']).toBe('array');
    const reason = deref(reasons?.['items']);
    expect(reason['properties']).toHaveProperty('code', { type: 'string', description: expect.any(String) });
  });

  it('says what the gateway really answers: proto3 JSON of filled messages passes the schemas', () => {
    const validator = schemaValidator();
    const codecs: Record<string, unknown> = { ...riskV1, ...factorsV1, ...gatewayV1 };
    let checked = 0;
    for (const name of Object.keys(document.components.schemas)) {
      const codec = codecs[name.split('.').pop() ?? name] as
        { fromJSON(value: unknown): unknown; toJSON(message: unknown): unknown } | undefined;
      const schema = document.components.schemas[name] ?? {};
      if (!codec?.toJSON || schema['type'] !== 'object') continue;
      const sample = sampleOf(schema);
      const emitted = codec.toJSON(codec.fromJSON(sample));
      // Every documented field survives the generated codec under its documented name and type...
      expect({ name, emitted }).toEqual({ name, emitted: sample });
      // ...and what the codec emits is valid, with no property the schema does not list.
      const validate = validator.compile(closed(schema));
      expect({ name, valid: validate(emitted), errors: validate.errors ?? null }).toEqual({
        name,
        valid: true,
        errors: null,
      });
      checked += 1;
    }
    expect(checked).toBeGreaterThan(40);
  });

  it('takes summaries from the first clause of the RPC comment', () => {
    expect(summaryOf('Starts a sign-in: checks the password.')).toBe('Starts a sign-in');
    expect(summaryOf('Starts a step-up for a sensitive action (e.g. a payment): the challenge')).toBe(
      'Starts a step-up for a sensitive action (e.g. a payment)',
    );
    expect(document.paths['/v1/authentications']?.post?.summary).toBe('Starts a sign-in');
  });
});

/** A value for every property of a schema, none equal to its proto3 default. */
function sampleOf(schema: unknown, depth = 0): unknown {
  const s = deref(schema);
  if (depth > 8) return undefined;
  if (Array.isArray(s['enum'])) return (s['enum'] as unknown[]).at(-1);
  if (s['format'] === 'date-time') return '2025-01-31T09:30:00.000Z';
  if (typeof s['pattern'] === 'string' && s['pattern'].includes('[0-9]+$')) return '1234567890123';
  switch (s['type']) {
    case 'string':
      return 'text';
    case 'integer':
      return 7;
    case 'number':
      return 1.5;
    case 'boolean':
      return true;
    case 'array':
      return [sampleOf(s['items'], depth + 1)];
    case 'object': {
      if (s['additionalProperties'] && typeof s['additionalProperties'] === 'object') {
        return { key: sampleOf(s['additionalProperties'], depth + 1) };
      }
      const properties = (s['properties'] ?? {}) as Record<string, unknown>;
      return Object.fromEntries(
        Object.entries(properties).map(([name, p]) => [name, sampleOf(p, depth + 1)]),
      );
    }
    default:
      return undefined;
  }
}

/** The schema with `unevaluatedProperties: false` on every object schema (references included). */
function closed(schema: unknown): unknown {
  const seen = new Set<string>();
  const close = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(close);
    if (!node || typeof node !== 'object') return node;
    const record = node as Record<string, unknown>;
    if (typeof record['$ref'] === 'string') {
      const ref = record['$ref'];
      if (seen.has(ref)) return record;
      seen.add(ref);
      const target = close(resolvePointer(document, ref));
      seen.delete(ref);
      return target;
    }
    const out = Object.fromEntries(Object.entries(record).map(([key, value]) => [key, close(value)]));
    return out['type'] === 'object' && out['properties'] ? { ...out, unevaluatedProperties: false } : out;
  };
  return close(schema);
}
