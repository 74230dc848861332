import { inspect } from 'node:util';
import {
  credentials,
  loadPackageDefinition,
  Server,
  ServerCredentials,
  type ServerUnaryCall,
  type ServerWritableStream,
  type sendUnaryData,
} from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { PROTO_FILES } from '@portcullis/contracts';
import { DomainError, validationFailed } from '@portcullis/errors';
import { ERROR_METADATA, PROTO_LOADER_OPTIONS, toGrpcError } from '@portcullis/grpc';
import { PortcullisGrpcClient, type PortcullisGrpcClientOptions } from './portcullis-grpc.client';
import { GRPC_ERROR_METADATA, PortcullisError } from './portcullis.errors';

const TENANT = '0b4f5c8e-6a1d-4c2b-9e3f-1a2b3c4d5e6f';
const USER = '5f0c2a7e-9d41-4e8b-a3c6-2b7d9e1f4a50';
const CHALLENGE = '6f1d8e2a-4c7b-4a93-b5e0-1c3d5f7a9b2e';
const API_KEY = 'pk_test_0123456789abcdef.s3cr3t-Th4t-Must-N3ver-Leak';

interface Received {
  readonly method: string;
  readonly request: Record<string, unknown>;
  readonly authorization: unknown;
}

/**
 * A gRPC stand-in for the gateway, loaded from the same .proto with the same loader options as
 * the real one, answering errors the way the gateway's exception filter does (toGrpcError).
 */
class GrpcGatewayStandIn {
  readonly received: Received[] = [];
  /** How the export stream ends after its events: cleanly, with an error, or not at all. */
  exportEnd: 'end' | 'error' | 'stall' = 'end';
  exportEvents = 3;
  /** Resolves with whether the last export was cancelled by the client. */
  exportCancelled: Promise<boolean> = Promise.resolve(false);
  private readonly server = new Server();
  address = '';

  private record(method: string, call: ServerUnaryCall<Record<string, unknown>, unknown>) {
    this.received.push({
      method,
      request: call.request,
      authorization: call.metadata.get('authorization')[0],
    });
  }

  async start(): Promise<void> {
    const definition = loadPackageDefinition(loadSync(PROTO_FILES.gateway, PROTO_LOADER_OPTIONS)) as any; // eslint-disable-line @typescript-eslint/no-explicit-any
    type Call = ServerUnaryCall<Record<string, unknown>, unknown>;
    type Callback = sendUnaryData<unknown>;
    this.server.addService(definition.portcullis.gateway.v1.GatewayService.service, {
      CreateUser: (call: Call, callback: Callback) => {
        this.record('CreateUser', call);
        if (call.request['externalId'] === '') {
          callback(toGrpcError(validationFailed([{ field: 'externalId', description: 'is required' }])));
          return;
        }
        callback(null, {
          user: {
            id: USER,
            tenantId: call.request['tenantId'],
            externalId: call.request['externalId'],
            status: 'ACTIVE',
            createTime: { seconds: '1767225600', nanos: 0 },
          },
        });
      },
      StartChallenge: (call: Call, callback: Callback) => {
        this.record('StartChallenge', call);
        callback(null, { challengeId: CHALLENGE, type: 'sms_otp', destinationHint: '+44 ••• 456' });
      },
      VerifyChallenge: (call: Call, callback: Callback) => {
        this.record('VerifyChallenge', call);
        callback(
          toGrpcError(
            new DomainError('RESOURCE_EXHAUSTED', 'FACTOR_LOCKED', 'Too many failed attempts', {
              retryAfterSeconds: 840,
            }),
          ),
        );
      },
      GetJwks: (call: Call, callback: Callback) => {
        this.record('GetJwks', call);
        callback(null, { jwksJson: JSON.stringify({ keys: [{ kty: 'EC', crv: 'P-256', kid: 'k1' }] }) });
      },
      // Never answers: the client's deadline must end the call.
      StartAuthentication: (call: Call) => this.record('StartAuthentication', call),
      VerifyAuditLog: (call: Call, callback: Callback) => {
        this.record('VerifyAuditLog', call);
        callback(null, { result: { intact: true, checked: '3', firstSequence: '1', lastSequence: '3' } });
      },
      ExportAuditEvents: (call: ServerWritableStream<Record<string, unknown>, unknown>) => {
        this.received.push({
          method: 'ExportAuditEvents',
          request: call.request,
          authorization: call.metadata.get('authorization')[0],
        });
        this.exportCancelled = new Promise((resolve) => {
          call.on('cancelled', () => resolve(true));
          call.on('finish', () => resolve(false));
        });
        for (let sequence = 1; sequence <= this.exportEvents; sequence += 1) {
          call.write({ event: { eventId: `e-${sequence}`, tenantId: TENANT, sequence: String(sequence) } });
        }
        if (this.exportEnd === 'end') call.end();
        else if (this.exportEnd === 'error') {
          call.emit(
            'error',
            toGrpcError(new DomainError('UNAVAILABLE', 'UPSTREAM_UNAVAILABLE', 'audit is unavailable')),
          );
        }
      },
    });
    const port = await new Promise<number>((resolve, reject) =>
      this.server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (error, bound) =>
        error ? reject(error) : resolve(bound),
      ),
    );
    this.address = `127.0.0.1:${port}`;
  }

  stop(): void {
    this.server.forceShutdown();
  }
}

async function failure(promise: Promise<unknown>): Promise<PortcullisError> {
  const outcome = await promise.then(
    () => undefined,
    (error: unknown) => error,
  );
  if (!(outcome instanceof PortcullisError))
    throw new Error(`expected a PortcullisError, got ${inspect(outcome)}`);
  return outcome;
}

describe('PortcullisGrpcClient', () => {
  const gateway = new GrpcGatewayStandIn();
  const clients: PortcullisGrpcClient[] = [];
  const newClient = (options: Partial<PortcullisGrpcClientOptions> = {}) => {
    const client = new PortcullisGrpcClient({
      address: gateway.address,
      apiKey: API_KEY,
      tenantId: TENANT,
      credentials: credentials.createInsecure(),
      ...options,
    });
    clients.push(client);
    return client;
  };

  beforeAll(() => gateway.start());
  afterAll(() => {
    for (const client of clients) client.close();
    gateway.stop();
  });
  beforeEach(() => {
    gateway.received.length = 0;
    gateway.exportEnd = 'end';
    gateway.exportEvents = 3;
  });

  it('reads the error metadata keys the gateway writes', () => {
    expect(GRPC_ERROR_METADATA).toEqual(ERROR_METADATA);
  });

  it('sends the request with the Bearer key in metadata and decodes the typed answer', async () => {
    const { user } = await newClient().createUser({ externalId: 'customer-42' });

    expect(gateway.received).toEqual([
      {
        method: 'CreateUser',
        request: expect.objectContaining({ tenantId: TENANT, externalId: 'customer-42', email: '' }),
        authorization: `Bearer ${API_KEY}`,
      },
    ]);
    expect(user).toEqual({
      id: USER,
      tenantId: TENANT,
      externalId: 'customer-42',
      email: '',
      phoneNumber: '',
      status: 'ACTIVE',
      createTime: { seconds: '1767225600', nanos: 0 },
    });
  });

  it('sends the end user IP as clientIp', async () => {
    const started = await newClient().startChallenge(
      { authenticationId: 'a-1', userId: USER },
      { endUserIp: '198.51.100.23', idempotencyKey: 'ignored-over-grpc' },
    );
    expect(gateway.received[0]?.request).toMatchObject({ tenantId: TENANT, clientIp: '198.51.100.23' });
    expect(started).toMatchObject({
      challengeId: CHALLENGE,
      type: 'sms_otp',
      destinationHint: '+44 ••• 456',
    });
  });

  it('parses the JWKS', async () => {
    await expect(newClient().jwks()).resolves.toEqual({ keys: [{ kty: 'EC', crv: 'P-256', kid: 'k1' }] });
  });

  it('maps the gateway stable code and details from metadata', async () => {
    const locked = await failure(
      newClient().verifyChallenge({
        challengeId: CHALLENGE,
        authenticationId: 'a-1',
        proof: { code: '000000' },
      }),
    );
    expect(locked).toMatchObject({
      code: 'FACTOR_LOCKED',
      detail: 'Too many failed attempts',
      status: 429,
      grpcStatus: 8,
      retryAfterSeconds: 840,
      violations: [],
    });

    const invalid = await failure(newClient().createUser({ externalId: '' }));
    expect(invalid).toMatchObject({
      code: 'VALIDATION_FAILED',
      status: 400,
      grpcStatus: 3,
      violations: [{ field: 'externalId', description: 'is required' }],
    });
  });

  it('maps a missed deadline to TIMEOUT, an unknown method to its status, and no server to NETWORK_ERROR', async () => {
    expect((await failure(newClient({ deadlineMs: 100 }).startAuthentication({ userId: USER }))).code).toBe(
      'TIMEOUT',
    );
    expect((await failure(newClient().startAuthentication({ userId: USER }, { timeoutMs: 50 }))).code).toBe(
      'TIMEOUT',
    );

    const unimplemented = await failure(newClient().listFactors({ userId: USER }));
    expect(unimplemented).toMatchObject({ code: 'UNIMPLEMENTED', grpcStatus: 12, status: 501 });

    const unreachable = await failure(
      newClient({ address: '127.0.0.1:1', deadlineMs: 2_000 }).getUser({ userId: USER }),
    );
    expect(unreachable.code).toBe('NETWORK_ERROR');
    for (const error of [unimplemented, unreachable]) {
      expect(inspect(error, { depth: 10, showHidden: true })).not.toContain('s3cr3t');
    }
  });

  it('cancels a call when the caller aborts', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 30);
    const error = await failure(
      newClient().startAuthentication({ userId: USER }, { signal: controller.signal }),
    );
    expect(error.code).toBe('ABORTED');
  });

  it('verifies the audit log', async () => {
    const { result } = await newClient().verifyAuditLog();
    expect(gateway.received[0]).toMatchObject({ method: 'VerifyAuditLog', request: { tenantId: TENANT } });
    expect(result).toMatchObject({ intact: true, checked: '3', firstSequence: '1', lastSequence: '3' });
  });

  describe('the audit export stream', () => {
    const collect = async (events: AsyncIterable<{ sequence: string }>) => {
      const sequences: string[] = [];
      for await (const event of events) sequences.push(event.sequence);
      return sequences;
    };

    it('yields the events of the server stream, with the filter and the key sent', async () => {
      const sequences = await collect(
        newClient().exportAuditEvents({ type: 'factors.', fromTime: '2026-01-01T00:00:00Z' }),
      );
      expect(sequences).toEqual(['1', '2', '3']);
      expect(gateway.received[0]).toMatchObject({
        method: 'ExportAuditEvents',
        request: { tenantId: TENANT, type: 'factors.', fromTime: { seconds: '1767225600', nanos: 0 } },
        authorization: `Bearer ${API_KEY}`,
      });
    });

    it('cancels the call when the caller stops early', async () => {
      gateway.exportEnd = 'stall';
      for await (const event of newClient().exportAuditEvents()) {
        expect(event.sequence).toBe('1');
        break;
      }
      await expect(gateway.exportCancelled).resolves.toBe(true);
    });

    it("fails with the gateway's code after the events that arrived", async () => {
      gateway.exportEnd = 'error';
      const received: string[] = [];
      const error = await failure(
        (async () => {
          for await (const event of newClient().exportAuditEvents()) received.push(event.sequence);
        })(),
      );
      expect(received).toEqual(['1', '2', '3']);
      expect(error).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', grpcStatus: 14, status: 503 });
    });

    it('times out when no message comes within timeoutMs, and not before', async () => {
      gateway.exportEnd = 'stall';
      const client = newClient();
      await client.verifyAuditLog(); // connected: the timeout is about messages, not the connection
      const received: string[] = [];
      const error = await failure(
        (async () => {
          for await (const event of client.exportAuditEvents({}, { timeoutMs: 200 })) {
            // The caller taking its time does not count against the gateway.
            await new Promise((resolve) => setTimeout(resolve, 300));
            received.push(event.sequence);
          }
        })(),
      );
      expect([received, error.code]).toEqual([['1', '2', '3'], 'TIMEOUT']);
    });

    it('is ABORTED when the caller aborts', async () => {
      gateway.exportEnd = 'stall';
      const controller = new AbortController();
      const error = await failure(
        (async () => {
          for await (const _event of newClient().exportAuditEvents({}, { signal: controller.signal })) {
            controller.abort();
          }
        })(),
      );
      expect(error.code).toBe('ABORTED');
      await expect(gateway.exportCancelled).resolves.toBe(true);
    });
  });

  it('refuses a call without a tenant before sending it', async () => {
    await expect(newClient({ tenantId: undefined }).getUser({ userId: USER })).rejects.toThrow(
      /tenantId is required/,
    );
    expect(gateway.received).toHaveLength(0);
  });

  it('does not show the key when inspected', () => {
    expect(inspect(newClient(), { depth: 10, showHidden: true })).not.toContain('s3cr3t');
  });
});
