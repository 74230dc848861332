import {
  type ChannelCredentials,
  type ChannelOptions,
  Client,
  credentials as channelCredentials,
  Metadata,
  type ServiceError,
  status,
} from '@grpc/grpc-js';
import { gatewayV1, PROTO_PACKAGES } from '@portcullis/contracts';
import { grpcPathOf, type Operation, type StreamOperation } from './gateway-operations';
import { PortcullisApi, type PortcullisCredentials, type SendOptions } from './portcullis-api';
import type { CallOptions, JsonWebKeySet } from './portcullis-api.types';
import { SDK_VERSION } from './portcullis-http.client';
import { fromGrpcFailure, GRPC_ERROR_METADATA, PortcullisError, SdkErrorCodes } from './portcullis.errors';

export interface PortcullisGrpcClientOptions extends PortcullisCredentials {
  /** `host:port` of the gateway's gRPC API. */
  readonly address: string;
  /** Deadline of each call; default 10 000 ms. */
  readonly deadlineMs?: number;
  /**
   * Channel credentials; default TLS with the system's roots (`credentials.createSsl()`). Pass
   * `credentials.createInsecure()` from @grpc/grpc-js only for a local gateway: the API key
   * travels in every call's metadata.
   */
  readonly credentials?: ChannelCredentials;
  /** Extra grpc-js channel options (keepalive, message sizes, …). */
  readonly channelOptions?: ChannelOptions;
}

const DEFAULT_DEADLINE_MS = 10_000;

const GET_JWKS: Operation<gatewayV1.GetJwksRequest, gatewayV1.GetJwksResponse> = {
  rpc: 'GetJwks',
  request: gatewayV1.GetJwksRequest,
  response: gatewayV1.GetJwksResponse,
  tenant: false,
  present: [],
  http: () => ({ method: 'GET', path: '/.well-known/jwks.json' }),
};

const firstString = (metadata: Metadata | undefined, key: string): string | undefined => {
  const value = metadata?.get(key)[0];
  return typeof value === 'string' ? value : Buffer.isBuffer(value) ? value.toString('utf8') : undefined;
};

/**
 * The gateway's gRPC API (`portcullis.gateway.v1.GatewayService`): the same operations, inputs,
 * answers and errors as {@link PortcullisClient}. Messages are encoded with the generated
 * codecs of @portcullis/contracts, so no .proto file is read at run time. Every call carries
 * `authorization: Bearer <apiKey>` metadata and a deadline. Call `close()` when done.
 */
export class PortcullisGrpcClient extends PortcullisApi {
  private readonly client: Client;
  private readonly deadlineMs: number;

  constructor(options: PortcullisGrpcClientOptions) {
    super(options);
    if (typeof options.address !== 'string' || options.address.trim() === '') {
      throw new TypeError('address must be host:port');
    }
    if (options.deadlineMs !== undefined && !(options.deadlineMs > 0)) {
      throw new TypeError('deadlineMs must be a positive number');
    }
    this.deadlineMs = options.deadlineMs ?? DEFAULT_DEADLINE_MS;
    this.client = new Client(options.address, options.credentials ?? channelCredentials.createSsl(), {
      'grpc.primary_user_agent': `portcullis-sdk-node/${SDK_VERSION}`,
      ...options.channelOptions,
    });
  }

  /** The JWK Set (GetJwks, whose `jwksJson` is parsed here). */
  async jwks(options: CallOptions = {}): Promise<JsonWebKeySet> {
    const { jwksJson } = await this.send(GET_JWKS, {}, options);
    try {
      const parsed = JSON.parse(jwksJson) as { keys?: unknown };
      if (Array.isArray(parsed.keys)) return parsed as JsonWebKeySet;
    } catch {
      // Falls through to the error below.
    }
    throw new PortcullisError({
      code: SdkErrorCodes.UNEXPECTED_RESPONSE,
      detail: 'The JWKS has no keys array',
    });
  }

  close(): void {
    this.client.close();
  }

  protected send<Req, Res>(
    operation: Operation<Req, Res, keyof Res>,
    message: Req,
    options: SendOptions,
  ): Promise<Res> {
    const timeoutMs = options.timeoutMs ?? this.deadlineMs;
    if (!(timeoutMs > 0)) throw new TypeError('timeoutMs must be a positive number');
    const signal = options.signal;
    if (signal?.aborted) {
      return Promise.reject(
        new PortcullisError({ code: SdkErrorCodes.ABORTED, detail: 'The call was aborted' }),
      );
    }
    const metadata = new Metadata();
    metadata.set('authorization', this.authorization());
    // options.idempotencyKey is HTTP only: the gateway's gRPC API has no idempotency keys.

    return new Promise<Res>((resolve, reject) => {
      const onAbort = () => call.cancel();
      const call = this.client.makeUnaryRequest<Req, Res>(
        grpcPathOf(PROTO_PACKAGES.gateway, operation.rpc),
        (value) => Buffer.from(operation.request.encode(value).finish()),
        (bytes) => operation.response.decode(bytes),
        message,
        metadata,
        { deadline: new Date(Date.now() + timeoutMs) },
        (error, response) => {
          signal?.removeEventListener('abort', onAbort);
          if (error) reject(this.toPortcullisError(error, signal?.aborted === true));
          else if (response === undefined) {
            reject(
              new PortcullisError({
                code: SdkErrorCodes.UNEXPECTED_RESPONSE,
                detail: `The answer to ${operation.rpc} is empty`,
              }),
            );
          } else resolve(response);
        },
      );
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  /**
   * A server stream, read one message at a time as the caller asks for the next item (grpc-js
   * applies HTTP/2 flow control meanwhile). No deadline: `timeoutMs` (default `deadlineMs`)
   * bounds each wait for the next message instead, so a long export runs as long as it flows.
   */
  protected async *stream<Req, Res, Item>(
    operation: StreamOperation<Req, Res, Item>,
    message: Req,
    options: CallOptions,
  ): AsyncGenerator<Item> {
    const timeoutMs = options.timeoutMs ?? this.deadlineMs;
    if (!(timeoutMs > 0)) throw new TypeError('timeoutMs must be a positive number');
    const signal = options.signal;
    if (signal?.aborted)
      throw new PortcullisError({ code: SdkErrorCodes.ABORTED, detail: 'The call was aborted' });
    const metadata = new Metadata();
    metadata.set('authorization', this.authorization());
    const call = this.client.makeServerStreamRequest<Req, Res>(
      grpcPathOf(PROTO_PACKAGES.gateway, operation.rpc),
      (value) => Buffer.from(operation.request.encode(value).finish()),
      (bytes) => operation.response.decode(bytes),
      message,
      metadata,
      {},
    );
    const onAbort = () => call.cancel();
    signal?.addEventListener('abort', onAbort, { once: true });
    const messages = (call as AsyncIterable<Res>)[Symbol.asyncIterator]();
    let timedOut = false;
    try {
      for (;;) {
        const timer = setTimeout(() => {
          timedOut = true;
          call.cancel();
        }, timeoutMs);
        let next: IteratorResult<Res>;
        try {
          next = await messages.next();
        } catch (error) {
          if (timedOut) {
            throw new PortcullisError({
              code: SdkErrorCodes.TIMEOUT,
              detail: `No message from the gateway within ${timeoutMs} ms`,
            });
          }
          throw this.toPortcullisError(error as ServiceError, signal?.aborted === true);
        } finally {
          clearTimeout(timer);
        }
        if (next.done) return;
        const item = operation.itemOf(next.value);
        if (item !== undefined) yield item;
      }
    } finally {
      signal?.removeEventListener('abort', onAbort);
      // Stopped early: the gateway stops streaming too. A no-op once the call has ended.
      call.cancel();
      await messages.return?.().catch(() => undefined);
    }
  }

  private toPortcullisError(error: ServiceError, aborted: boolean): PortcullisError {
    const mapped = fromGrpcFailure(
      {
        grpcStatus: error.code,
        statusName: status[error.code] ?? 'UNKNOWN',
        message: error.details || error.message,
        code: firstString(error.metadata, GRPC_ERROR_METADATA.code),
        kind: firstString(error.metadata, GRPC_ERROR_METADATA.kind),
        details: firstString(error.metadata, GRPC_ERROR_METADATA.details),
      },
      aborted,
    );
    // grpc-js never echoes request metadata in errors; the check is for peace of mind.
    return this.scrubbed(mapped) === undefined
      ? new PortcullisError({ code: mapped.code, detail: 'Call failed', grpcStatus: error.code })
      : mapped;
  }
}
