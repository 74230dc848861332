import { PROBLEM_TYPE_BASE } from '@portcullis/errors';
import { PROTO_FILES, PROTO_PACKAGES } from '@portcullis/contracts';
import { type JsonSchema, propertiesOf, requiredOf, schemaRef } from './json-schema';
import { type HttpMethod, ROUTES, type RouteDoc, type RouteScope, TAGS } from './openapi-routes';
import { ProtoJsonSchemas } from './proto-json-schema';
import { zodInputSchema } from './zod-json-schema';

/** The parts of an OpenAPI 3.1 document this builder writes (plain JSON, as served). */
export interface OpenApiDocument {
  readonly openapi: '3.1.0';
  readonly info: { readonly title: string; readonly version: string; readonly [key: string]: unknown };
  readonly servers: readonly { readonly url: string; readonly description?: string }[];
  readonly security: readonly Record<string, readonly string[]>[];
  readonly tags: readonly { readonly name: string; readonly description: string }[];
  readonly paths: Record<string, Partial<Record<HttpMethod, OpenApiOperation>>>;
  readonly components: {
    readonly schemas: Record<string, JsonSchema>;
    readonly responses: Record<string, JsonSchema>;
    readonly parameters: Record<string, JsonSchema>;
    readonly headers: Record<string, JsonSchema>;
    readonly securitySchemes: Record<string, JsonSchema>;
  };
}

export interface OpenApiOperation {
  readonly operationId: string;
  readonly summary: string;
  readonly description: string;
  readonly tags: readonly string[];
  readonly 'x-portcullis-scope': RouteScope;
  readonly security?: readonly Record<string, readonly string[]>[];
  readonly parameters?: readonly JsonSchema[];
  readonly requestBody?: JsonSchema;
  readonly responses: Record<string, JsonSchema>;
}

export interface OpenApiSettings {
  /** `servers[0].url`: where the API is, e.g. `/` (the document's own origin). */
  readonly serverUrl: string;
  /** `info.version`. */
  readonly version: string;
}

const GATEWAY_PACKAGE = PROTO_PACKAGES.gateway;
const SERVICE = `${GATEWAY_PACKAGE}.GatewayService`;

const SCOPE_NOTES: Readonly<Record<RouteScope, string>> = {
  operator: 'Scope `operator`: only the platform operator token.',
  admin: 'Scope `admin`: an admin API key of the tenant, or the operator token.',
  runtime: 'Scope `runtime`: a runtime or admin API key of the tenant, or the operator token.',
  public: 'No credential.',
};

/** Error answers every authenticated route may give, by status: component response names. */
const ERROR_RESPONSES = {
  '400': 'BadRequest',
  '401': 'Unauthorized',
  '403': 'Forbidden',
  '404': 'NotFound',
  '409': 'Conflict',
  '429': 'TooManyRequests',
  default: 'Error',
} as const;

/**
 * The OpenAPI 3.1 document of the gateway's HTTP API: every route of ROUTES, request schemas from
 * the zod schemas the controllers parse, response schemas from the proto messages they return
 * (proto3 JSON), and problem+json errors. Built from the sources on each call; callers cache it.
 */
export function buildOpenApiDocument(settings: OpenApiSettings): OpenApiDocument {
  const protos = new ProtoJsonSchemas([PROTO_FILES.gateway], GATEWAY_PACKAGE);
  const rpcs = new RpcComments(protos);
  const paths: Record<string, Partial<Record<HttpMethod, OpenApiOperation>>> = {};
  for (const route of ROUTES) {
    (paths[route.path] ??= {})[route.method] = operationOf(route, protos, rpcs);
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Portcullis gateway API',
      version: settings.version,
      summary: 'Multi-factor authentication for customer identity: HTTP/JSON API for product backends.',
      description:
        'The HTTP form of `portcullis.gateway.v1.GatewayService` (gRPC). Bodies are the proto3 JSON ' +
        'forms of its messages: lowerCamelCase names, 64-bit integers as strings, timestamps as RFC 3339 ' +
        'strings, and fields equal to their default left out. Errors are RFC 9457 problem details with a ' +
        'stable `code` to switch on. POSTs accept an `Idempotency-Key` header for safe retries.',
      license: { name: 'Apache-2.0', identifier: 'Apache-2.0' },
    },
    servers: [{ url: settings.serverUrl }],
    security: [{ bearerAuth: [] }],
    tags: Object.entries(TAGS).map(([name, description]) => ({ name, description })),
    paths,
    components: {
      schemas: { ...protos.components(), ...HAND_WRITTEN_SCHEMAS },
      responses: errorResponses(),
      parameters: {
        IdempotencyKey: {
          name: 'Idempotency-Key',
          in: 'header',
          required: false,
          description:
            'Makes a retried POST safe (draft-ietf-httpapi-idempotency-key-header): the same key with the ' +
            'same request, from the same caller, within 24 hours, replays the first answer (with ' +
            '`Idempotent-Replayed: true`) instead of doing the work again. The same key with another ' +
            'request: 400 IDEMPOTENCY_KEY_REUSED; while the first still runs: 409 IDEMPOTENCY_IN_PROGRESS.',
          schema: { type: 'string', minLength: 1, maxLength: 255, pattern: '^[\\x20-\\x7E]+$' },
        },
      },
      headers: {
        RetryAfter: {
          description: 'Seconds until a retry can succeed (RFC 9110 §10.2.3).',
          schema: { type: 'integer', minimum: 0 },
        },
        IdempotentReplayed: {
          description:
            '`true` when the answer is the replay of an earlier request with the same Idempotency-Key.',
          schema: { type: 'string', enum: ['true'] },
        },
      },
      securitySchemes: {
        bearerAuth: {
          type: 'http',
          scheme: 'bearer',
          description:
            '`Authorization: Bearer <credential>`, one of:\n\n' +
            '- the **operator token** (the gateway setting GATEWAY_ADMIN_TOKEN): the platform operator, who ' +
            "may do everything, in every tenant; creating tenants is the operator's alone;\n" +
            "- a tenant's **admin API key**: the tenant's configuration (policies, API keys, audit log, " +
            'factor resets, user locks) and everything a runtime key may do, in its own tenant only;\n' +
            "- a tenant's **runtime API key**: what a product backend does per end user (users, factors, " +
            'challenges, sign-ins), in its own tenant only.\n\n' +
            'Each operation names the scope it needs in `x-portcullis-scope`. Every credential has a ' +
            'per-minute request budget (429 RATE_LIMITED with Retry-After beyond it).',
        },
      },
    },
  };
}

function operationOf(route: RouteDoc, protos: ProtoJsonSchemas, rpcs: RpcComments): OpenApiOperation {
  const rpcText = route.rpc ? rpcs.comment(route.rpc) : '';
  const operationId = route.operationId ?? (route.rpc ? lowerCamel(route.rpc) : undefined);
  if (!operationId)
    throw new Error(`OpenAPI: ${route.method.toUpperCase()} ${route.path} needs an rpc or an operationId`);
  const summary = route.summary ?? (summaryOf(rpcText) || `${route.method.toUpperCase()} ${route.path}`);
  const description = [rpcText, route.description, SCOPE_NOTES[route.scope]].filter(Boolean).join('\n\n');

  const input = route.input ? zodInputSchema(route.input) : { type: 'object', properties: {} };
  const pathNames = [...route.path.matchAll(/\{(\w+)\}/g)].map((match) => match[1] ?? '');
  const headerProperties = new Set((route.headers ?? []).map((header) => header.property));
  const rest = Object.entries(propertiesOf(input)).filter(
    ([name]) =>
      !pathNames.includes(name) && !headerProperties.has(name) && !(route.omit ?? []).includes(name),
  );
  const required = new Set(requiredOf(input));
  const inBody = route.method === 'post' || route.method === 'put' || route.method === 'patch';

  const parameters: JsonSchema[] = [
    ...pathNames.map((name) => ({
      name,
      in: 'path',
      required: true,
      schema: propertiesOf(input)[name] ?? { type: 'string' },
    })),
    ...(inBody
      ? []
      : rest.map(([name, schema]) => ({ name, in: 'query', required: required.has(name), schema }))),
    ...(route.headers ?? []).map((header) => ({
      name: header.name,
      in: 'header',
      required: false,
      description: header.description,
      schema: propertiesOf(input)[header.property] ?? { type: 'string' },
    })),
    ...(route.method === 'post' ? [{ $ref: '#/components/parameters/IdempotencyKey' }] : []),
  ];

  const operation: OpenApiOperation = {
    operationId,
    summary,
    description,
    tags: [route.tag],
    'x-portcullis-scope': route.scope,
    ...(route.scope === 'public' ? { security: [] } : {}),
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(inBody ? { requestBody: requestBodyOf(route, input, rest, required, protos) } : {}),
    responses: {
      [String(route.status)]: successResponse(route, protos, rpcs),
      ...(route.scope === 'public'
        ? {}
        : Object.fromEntries(
            Object.entries(ERROR_RESPONSES).map(([status, name]) => [
              status,
              { $ref: `#/components/responses/${name}` },
            ]),
          )),
    },
  };
  return operation;
}

function requestBodyOf(
  route: RouteDoc,
  input: JsonSchema,
  rest: readonly [string, JsonSchema][],
  required: ReadonlySet<string>,
  protos: ProtoJsonSchemas,
): JsonSchema {
  let schema: JsonSchema;
  if (route.protoBody) {
    schema = protos.ref(route.protoBody);
  } else {
    const properties = Object.fromEntries(
      rest.map(([name, property]) => {
        const proto = route.protoProperties?.[name];
        return [name, proto ? protos.ref(proto, property['description'] as string | undefined) : property];
      }),
    );
    const requiredHere = rest.map(([name]) => name).filter((name) => required.has(name));
    schema = {
      type: 'object',
      properties,
      ...(requiredHere.length > 0 ? { required: requiredHere } : {}),
      ...(input['additionalProperties'] === false ? { additionalProperties: false } : {}),
      ...(route.exactlyOne
        ? {
            oneOf: route.exactlyOne.map((name) => ({ required: [name] })),
            description: `Exactly one of ${route.exactlyOne.map((name) => `\`${name}\``).join(', ')}.`,
          }
        : {}),
    };
  }
  return { required: true, content: { 'application/json': { schema } } };
}

function successResponse(route: RouteDoc, protos: ProtoJsonSchemas, rpcs: RpcComments): JsonSchema {
  const response =
    route.response ?? (route.rpc ? { proto: rpcs.responseType(route.rpc) } : { none: true as const });
  const headers =
    route.method === 'post'
      ? { 'Idempotent-Replayed': { $ref: '#/components/headers/IdempotentReplayed' } }
      : undefined;
  const base = { description: STATUS_TEXT[route.status] ?? 'Success', ...(headers ? { headers } : {}) };
  if ('none' in response) return base;
  if ('html' in response) return { ...base, content: { 'text/html': { schema: { type: 'string' } } } };
  if ('ndjson' in response) {
    // OpenAPI 3.1 has no item schema for a stream: the schema is that of one line.
    return {
      ...base,
      content: {
        'application/x-ndjson': {
          schema: protos.ref(response.ndjson, 'One line of the stream; every line ends with a newline.'),
        },
      },
    };
  }
  const schema = 'proto' in response ? protos.ref(response.proto) : schemaRef(response.component);
  return { ...base, content: { 'application/json': { schema } } };
}

const STATUS_TEXT: Readonly<Record<number, string>> = { 200: 'OK', 201: 'Created', 204: 'No Content' };

function errorResponses(): Record<string, JsonSchema> {
  const problem = (description: string, extra: JsonSchema = {}) => ({
    description,
    ...extra,
    content: { 'application/problem+json': { schema: schemaRef('Problem') } },
  });
  return {
    BadRequest: problem(
      'The request is malformed or invalid (VALIDATION_FAILED with `errors` per field, MALFORMED_REQUEST, ' +
        'IDEMPOTENCY_KEY_REUSED, or a code of the owning service such as CODE_INVALID). Nothing changed.',
    ),
    Unauthorized: problem('UNAUTHENTICATED: the credential is missing, malformed, unknown or revoked.'),
    Forbidden: problem(
      'The credential may not do this: TENANT_MISMATCH (another tenant, or no tenant named) or INSUFFICIENT_SCOPE.',
    ),
    NotFound: problem(
      'The tenant, user, factor, authentication or key does not exist (or not in this tenant).',
    ),
    Conflict: problem(
      'ALREADY_EXISTS, or IDEMPOTENCY_IN_PROGRESS while a request with the same key still runs.',
    ),
    TooManyRequests: problem(
      'RATE_LIMITED (the credential or end-user IP budget) or a locked factor; `retryAfterSeconds` and the ' +
        'Retry-After header say when to retry.',
      { headers: { 'Retry-After': { $ref: '#/components/headers/RetryAfter' } } },
    ),
    Error: problem(
      'Any other error: 412 (a precondition such as a required MFA proof), 413 (body too large), ' +
        '500 (internal, without details), 503 (a peer service unavailable), 504 (a peer timed out).',
    ),
  };
}

/** Schemas of answers that are not proto messages. */
const HAND_WRITTEN_SCHEMAS: Readonly<Record<string, JsonSchema>> = {
  Problem: {
    type: 'object',
    description:
      'RFC 9457 problem details (content type application/problem+json), never with a stack trace.',
    required: ['type', 'title', 'status', 'detail', 'code'],
    properties: {
      type: { type: 'string', format: 'uri', description: `\`${PROBLEM_TYPE_BASE}<code in kebab-case>\`.` },
      title: { type: 'string', description: 'The code in words, e.g. "Validation failed".' },
      status: { type: 'integer', minimum: 400, maximum: 599 },
      detail: { type: 'string', description: 'A human-readable explanation; never parse it.' },
      code: {
        type: 'string',
        pattern: '^[A-Z][A-Z0-9_]*$',
        description:
          'The stable error code to switch on, e.g. VALIDATION_FAILED, RATE_LIMITED, CODE_INVALID.',
      },
      instance: { type: 'string', description: 'The request path.' },
      traceId: { type: 'string', description: 'W3C trace id of the request, to quote to the operator.' },
      errors: {
        type: 'array',
        description: 'VALIDATION_FAILED: what is wrong with each field.',
        items: {
          type: 'object',
          required: ['field', 'description'],
          properties: {
            field: { type: 'string', description: 'Dotted path of the field, e.g. `context.ip`.' },
            description: { type: 'string' },
          },
        },
      },
      attemptsRemaining: {
        type: 'integer',
        minimum: 0,
        description: 'Verification failures: attempts left before the factor locks.',
      },
      retryAfterSeconds: {
        type: 'integer',
        minimum: 0,
        description: 'Rate limits and locks: seconds until a retry can succeed.',
      },
    },
  },
  HealthStatus: {
    type: 'object',
    required: ['status'],
    properties: { status: { type: 'string', enum: ['SERVING'] } },
  },
  JsonWebKeySet: {
    type: 'object',
    description:
      'RFC 7517 JWK Set of the keys that sign assertions: the signing key first, older keys while their tokens live.',
    required: ['keys'],
    properties: { keys: { type: 'array', items: schemaRef('JsonWebKey') } },
  },
  JsonWebKey: {
    type: 'object',
    description: 'A public ES256 signing key.',
    required: ['kty', 'crv', 'x', 'y', 'kid', 'alg', 'use'],
    properties: {
      kty: { type: 'string', const: 'EC' },
      crv: { type: 'string', const: 'P-256' },
      x: { type: 'string', description: 'base64url' },
      y: { type: 'string', description: 'base64url' },
      kid: { type: 'string' },
      alg: { type: 'string', const: 'ES256' },
      use: { type: 'string', const: 'sig' },
    },
  },
  OpenApiDocument: {
    type: 'object',
    description: 'An OpenAPI 3.1 document (https://spec.openapis.org/oas/v3.1.0).',
    required: ['openapi', 'info', 'paths'],
    properties: {
      openapi: { type: 'string', pattern: '^3\\.1\\.\\d+$' },
      info: { type: 'object' },
      paths: { type: 'object' },
    },
  },
};

/** The GatewayService RPCs: their comments and response types. */
class RpcComments {
  private readonly methods: Map<string, { comment: string; responseType: string }>;

  constructor(protos: ProtoJsonSchemas) {
    this.methods = protos.serviceMethods(SERVICE);
  }

  comment(rpc: string): string {
    return this.method(rpc).comment;
  }

  responseType(rpc: string): string {
    return this.method(rpc).responseType;
  }

  private method(rpc: string) {
    const method = this.methods.get(rpc);
    if (!method) throw new Error(`OpenAPI: ${SERVICE} has no RPC ${rpc}`);
    return method;
  }
}

function lowerCamel(name: string): string {
  return name.charAt(0).toLowerCase() + name.slice(1);
}

/**
 * An RPC's summary: its comment up to the first sentence or clause end (`.`, `:` or `;`), without
 * the trailing stop. "e.g." and "i.e." do not end a sentence.
 */
export function summaryOf(comment: string): string {
  const text = comment.replace(/\s+/g, ' ').trim();
  const end = /(?<!\be\.g|\bi\.e)[.:;](?=\s|$)/.exec(text);
  return (end ? text.slice(0, end.index) : text).trim();
}
