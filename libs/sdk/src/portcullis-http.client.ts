import type { HttpRoute, Operation, StreamOperation } from './gateway-operations';
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
/** Longer than any line the gateway writes (an audit event is a few KiB); guards the buffer. */
const MAX_NDJSON_LINE_CHARS = 1_048_576;
const JSON_ACCEPT = 'application/json, application/problem+json';
const NDJSON_ACCEPT = 'application/x-ndjson, application/problem+json';

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

  /**
   * An NDJSON answer, parsed line by line as the body arrives (never buffered whole): each line
   * an `item` in proto3 JSON. `timeoutMs` bounds each wait for the gateway (the answer to start,
   * the next chunk), not the whole stream, and not the time the caller spends on an item.
   */
  protected async *stream<Req, Res, Item>(
    operation: StreamOperation<Req, Res, Item>,
    message: Req,
    options: CallOptions,
  ): AsyncGenerator<Item> {
    const route = operation.http(message, operation.request.toJSON(message) as Record<string, unknown>);
    const timeoutMs = positive(options.timeoutMs, this.timeoutMs, 'timeoutMs');
    const signal = options.signal;
    if (signal?.aborted) throw aborted();
    const controller = new AbortController();
    const onAbort = () => controller.abort();
    signal?.addEventListener('abort', onAbort, { once: true });
    let timedOut = false;
    let timer: NodeJS.Timeout | undefined;
    /** Waits for the gateway, at most timeoutMs. */
    const waitFor = async <T>(promise: Promise<T>): Promise<T> => {
      timer = setTimeout(() => {
        timedOut = true;
        controller.abort();
      }, timeoutMs);
      try {
        return await promise;
      } finally {
        clearTimeout(timer);
      }
    };
    let started = false;
    let received = 0;
    const failure = (error: unknown) =>
      this.transportFailure(error, {
        timedOut,
        timeoutMs,
        signal,
        ...(started ? { cutOffAfter: received } : {}),
      });

    try {
      let response: Response;
      try {
        response = await waitFor(
          this.fetchImpl(this.urlOf(route), {
            method: route.method,
            headers: this.headersOf(route, options, NDJSON_ACCEPT),
            redirect: 'manual',
            signal: controller.signal,
          }),
        );
      } catch (error) {
        throw failure(error);
      }
      started = true;
      if (response.status < 200 || response.status > 299) {
        let text: string;
        try {
          text = await waitFor(response.text());
        } catch (error) {
          throw failure(error);
        }
        throw fromHttpError(response.status, response.headers, text);
      }
      const contentType = response.headers.get('content-type') ?? '';
      if (!/^application\/x-ndjson\b/i.test(contentType) || response.body === null) {
        throw new PortcullisError({
          code: SdkErrorCodes.UNEXPECTED_RESPONSE,
          detail: `HTTP ${response.status} with a body that is not NDJSON`,
          status: response.status,
        });
      }

      const reader = (response.body as ReadableStream<Uint8Array>).getReader();
      const decoder = new TextDecoder();
      let buffered = '';
      const parse = (line: string): Item => {
        let json: unknown;
        try {
          json = JSON.parse(line);
        } catch {
          json = undefined;
        }
        if (typeof json !== 'object' || json === null || Array.isArray(json)) {
          throw new PortcullisError({
            code: SdkErrorCodes.UNEXPECTED_RESPONSE,
            detail: `Line ${received + 1} of the ${operation.rpc} stream is not a JSON object`,
            status: response.status,
          });
        }
        received += 1;
        return operation.item.fromJSON(json);
      };
      for (;;) {
        let chunk: Awaited<ReturnType<typeof reader.read>>;
        try {
          chunk = await waitFor(reader.read());
        } catch (error) {
          throw failure(error);
        }
        if (chunk.done) break;
        buffered += decoder.decode(chunk.value, { stream: true });
        let newline = buffered.indexOf('\n');
        while (newline !== -1) {
          const line = buffered.slice(0, newline);
          buffered = buffered.slice(newline + 1);
          if (line.trim() !== '') yield parse(line);
          newline = buffered.indexOf('\n');
        }
        if (buffered.length > MAX_NDJSON_LINE_CHARS) {
          throw new PortcullisError({
            code: SdkErrorCodes.UNEXPECTED_RESPONSE,
            detail: `A line of the ${operation.rpc} stream is longer than ${MAX_NDJSON_LINE_CHARS} characters`,
            status: response.status,
          });
        }
      }
      buffered += decoder.decode();
      if (buffered.trim() !== '') yield parse(buffered);
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      // Stopped early: closes the connection, so the gateway stops the export too.
      controller.abort();
    }
  }

  /** One request and its answer as JSON ({} for 204), or a PortcullisError. */
  private async exchange(route: HttpRoute, options: SendOptions, authenticated: boolean): Promise<object> {
    const headers = this.headersOf(route, options, JSON_ACCEPT, authenticated);
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
      throw this.transportFailure(error, { timedOut, timeoutMs, signal });
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

  private headersOf(route: HttpRoute, options: SendOptions, accept: string, authenticated = true): Headers {
    const headers = new Headers({ accept, 'user-agent': this.userAgent });
    if (authenticated) headers.set('authorization', this.authorization());
    if (route.body !== undefined) headers.set('content-type', 'application/json');
    if (options.idempotencyKey !== undefined) headers.set('idempotency-key', options.idempotencyKey);
    for (const [name, value] of Object.entries(route.headers ?? {})) {
      if (value !== undefined) headers.set(name, value);
    }
    return headers;
  }

  /** A fetch that failed: our timeout, the caller's abort, or the network (the key scrubbed). */
  private transportFailure(
    error: unknown,
    how: { timedOut: boolean; timeoutMs: number; signal: AbortSignal | undefined; cutOffAfter?: number },
  ): PortcullisError {
    if (error instanceof PortcullisError) return error;
    if (how.timedOut) {
      return new PortcullisError({
        code: SdkErrorCodes.TIMEOUT,
        detail: `No answer from the gateway within ${how.timeoutMs} ms`,
      });
    }
    if (how.signal?.aborted) return aborted();
    const cause = this.scrubbed(error);
    return new PortcullisError({
      code: SdkErrorCodes.NETWORK_ERROR,
      detail:
        how.cutOffAfter === undefined
          ? `The gateway could not be reached: ${describe(cause)}`
          : `The answer was cut off after ${how.cutOffAfter} lines: ${describe(cause)}`,
      ...(cause === undefined ? {} : { cause }),
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
