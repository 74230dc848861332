import type { HttpRoute, Operation } from './gateway-operations';
import { PortcullisApi, type PortcullisCredentials, type SendOptions } from './portcullis-api';
import type { CallOptions, JsonWebKeySet } from './portcullis-api.types';
import { fromHttpError, PortcullisError, SdkErrorCodes } from './portcullis.errors';

export const SDK_VERSION = '0.1.0';

export interface PortcullisClientOptions extends PortcullisCredentials {
  /** The gateway's HTTP origin (and optional path prefix), e.g. `https://mfa.example.com`. */
  readonly baseUrl: string;
  /** A fetch implementation (a proxy-aware one, a test double); default: the global fetch. */
  readonly fetch?: typeof fetch;
  /** Budget of each call, connection to last byte of the answer; default 10 000 ms. */
  readonly timeoutMs?: number;
  /** Sent as `User-Agent`; default `portcullis-sdk-node/<version>`. */
  readonly userAgent?: string;
}

const DEFAULT_TIMEOUT_MS = 10_000;

/**
 * The gateway's HTTP/JSON API (proto3 JSON bodies, RFC 9457 problem details).
 *
 * ```ts
 * const portcullis = new PortcullisClient({ baseUrl, apiKey, tenantId });
 * const { user } = await portcullis.createUser({ externalId: 'customer-42', email: 'jane@example.com' });
 * ```
 *
 * Redirects are not followed (the credential must not travel to another origin): a 3xx is an
 * UNEXPECTED_RESPONSE. Calls are not retried; pass an `idempotencyKey` to retry a POST safely.
 */
export class PortcullisClient extends PortcullisApi {
  private readonly baseUrl: string;
  private readonly fetchImpl: typeof fetch;
  private readonly timeoutMs: number;
  private readonly userAgent: string;

  constructor(options: PortcullisClientOptions) {
    super(options);
    let url: URL;
    try {
      url = new URL(options.baseUrl);
    } catch {
      throw new TypeError('baseUrl must be an absolute http(s) URL');
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new TypeError('baseUrl must be an absolute http(s) URL');
    }
    if (url.username !== '' || url.password !== '') {
      throw new TypeError('baseUrl must not carry credentials; pass apiKey');
    }
    this.baseUrl = `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
    this.fetchImpl = options.fetch ?? ((input, init) => fetch(input, init));
    this.timeoutMs = positive(options.timeoutMs, DEFAULT_TIMEOUT_MS, 'timeoutMs');
    this.userAgent = options.userAgent ?? `portcullis-sdk-node/${SDK_VERSION}`;
  }

  /** The JWK Set (GET /.well-known/jwks.json; public, sent without the API key). */
  async jwks(options: CallOptions = {}): Promise<JsonWebKeySet> {
    const json = await this.exchange({ method: 'GET', path: '/.well-known/jwks.json' }, options, false);
    const keys = (json as { keys?: unknown }).keys;
    if (!Array.isArray(keys)) {
      throw new PortcullisError({
        code: SdkErrorCodes.UNEXPECTED_RESPONSE,
        detail: 'The JWKS has no keys array',
      });
    }
    return json as unknown as JsonWebKeySet;
  }

  close(): void {
    // Nothing to release: fetch pools connections on its own.
  }

  protected async send<Req, Res>(
    operation: Operation<Req, Res, keyof Res>,
    message: Req,
    options: SendOptions,
  ): Promise<Res> {
    const route = operation.http(message, operation.request.toJSON(message) as Record<string, unknown>);
    const json = await this.exchange(route, options, true);
    return operation.response.fromJSON(json);
  }

  /** One request and its answer as JSON ({} for 204), or a PortcullisError. */
  private async exchange(route: HttpRoute, options: SendOptions, authenticated: boolean): Promise<object> {
    const headers = new Headers({
      accept: 'application/json, application/problem+json',
      'user-agent': this.userAgent,
    });
    if (authenticated) headers.set('authorization', this.authorization());
    if (route.body !== undefined) headers.set('content-type', 'application/json');
    if (options.idempotencyKey !== undefined) headers.set('idempotency-key', options.idempotencyKey);
    for (const [name, value] of Object.entries(route.headers ?? {})) {
      if (value !== undefined) headers.set(name, value);
    }

    const timeoutMs = positive(options.timeoutMs, this.timeoutMs, 'timeoutMs');
    const signal = options.signal;
    if (signal?.aborted) throw aborted();
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, timeoutMs);
    const onAbort = () => controller.abort();
    signal?.addEventListener('abort', onAbort, { once: true });

    let response: Response;
    let text: string;
    try {
      response = await this.fetchImpl(this.urlOf(route), {
        method: route.method,
        headers,
        ...(route.body === undefined ? {} : { body: JSON.stringify(route.body) }),
        redirect: 'manual',
        signal: controller.signal,
      });
      // The timeout covers the body too: a gateway that stalls mid-answer is a timeout.
      text = await response.text();
    } catch (error) {
      if (timedOut) {
        throw new PortcullisError({
          code: SdkErrorCodes.TIMEOUT,
          detail: `No answer from the gateway within ${timeoutMs} ms`,
        });
      }
      if (signal?.aborted) throw aborted();
      const cause = this.scrubbed(error);
      throw new PortcullisError({
        code: SdkErrorCodes.NETWORK_ERROR,
        detail: `The gateway could not be reached: ${describe(cause)}`,
        ...(cause === undefined ? {} : { cause }),
      });
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    }

    if (response.status < 200 || response.status > 299) {
      throw fromHttpError(response.status, response.headers, text);
    }
    if (response.status === 204 || text.trim() === '') return {};
    try {
      const json: unknown = JSON.parse(text);
      if (typeof json === 'object' && json !== null && !Array.isArray(json)) return json;
    } catch {
      // Falls through to the error below.
    }
    throw new PortcullisError({
      code: SdkErrorCodes.UNEXPECTED_RESPONSE,
      detail: `HTTP ${response.status} with a body that is not a JSON object`,
      status: response.status,
    });
  }

  private urlOf(route: HttpRoute): string {
    const query = new URLSearchParams();
    for (const [name, value] of Object.entries(route.query ?? {})) {
      if (value !== undefined) query.set(name, value);
    }
    const search = query.toString();
    return `${this.baseUrl}${route.path}${search === '' ? '' : `?${search}`}`;
  }
}

function positive(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value <= 0) throw new TypeError(`${name} must be a positive number`);
  return value;
}

const aborted = () => new PortcullisError({ code: SdkErrorCodes.ABORTED, detail: 'The call was aborted' });

/**
 * The innermost reason of a fetch failure (undici nests the socket error as `cause`). Duck-typed:
 * errors from another realm (a VM context, a test runner) are not `instanceof Error` here.
 */
function describe(cause: unknown): string {
  const asError = (value: unknown) =>
    typeof value === 'object' && value !== null && typeof (value as Error).message === 'string'
      ? (value as Error & { code?: unknown })
      : undefined;
  let current = asError(cause);
  for (let depth = 0; current !== undefined && asError(current.cause) !== undefined && depth < 5; depth++) {
    current = asError(current.cause);
  }
  if (current === undefined) return 'unknown error';
  const code = current.code;
  return typeof code === 'string' && !current.message.includes(code)
    ? `${code}: ${current.message}`
    : current.message;
}
