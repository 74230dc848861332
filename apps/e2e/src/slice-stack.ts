import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Metadata } from '@grpc/grpc-js';
import { gatewayV1, PROTO_FILES, PROTO_PACKAGES } from '@portcullis/contracts';
import { GrpcPeer } from '@portcullis/grpc';
import { parseSpanRecords, type SpanRecord } from '@portcullis/observability';
import {
  deliverySecretSettings,
  dropDatabases,
  factorsSecretSettings,
  gatewaySecretSettings,
  identitySecretSettings,
  SmtpStandIn,
  TwilioStandIn,
  freePort,
  type ServiceName,
  type ServiceProcess,
  startServiceProcess,
  testInfrastructure,
  uniqueDatabaseName,
  uniqueSuffix,
} from '@portcullis/testing';

export interface SliceOptions {
  readonly kafkaBrokers?: string[];
  readonly identityFaultPoints?: string;
  readonly auditFaultPoints?: string;
  /** Extra settings for every service (e.g. OTEL_ENABLED, LOG_LEVEL). */
  readonly env?: Record<string, string>;
  /** Also run delivery, sending through local Twilio and SMTP stand-ins. */
  readonly delivery?: boolean;
  /** Origins besides the gateway's own whose passkeys factors accepts (e.g. the demo app's). */
  readonly webauthnOrigins?: readonly string[];
  /** Extra settings of the gateway and of risk. */
  readonly gatewayEnv?: Record<string, string>;
  readonly riskEnv?: Record<string, string>;
  /**
   * Turns tracing on and has every service write its finished spans to `<tracesDir>/<service>.jsonl`
   * (OTEL_TRACES_FILE); read them with `spans()`. The directory must exist.
   */
  readonly tracesDir?: string;
}

/**
 * identity + factors + risk + audit + gateway as separate processes (black box), each with its own
 * fresh database, talking over gRPC and the Kafka named by the global setup (or a dedicated broker).
 */
export class SliceStack {
  identity!: ServiceProcess;
  factors!: ServiceProcess;
  risk!: ServiceProcess;
  audit!: ServiceProcess;
  delivery: ServiceProcess | undefined;
  readonly twilio = new TwilioStandIn();
  readonly smtp = new SmtpStandIn();
  readonly deliveryDb = uniqueDatabaseName('delivery');
  gateway!: ServiceProcess;
  httpUrl = '';
  /** The gateway's secrets; GATEWAY_ADMIN_TOKEN is the operator's credential. */
  readonly gatewaySecrets = gatewaySecretSettings();
  readonly adminToken = this.gatewaySecrets['GATEWAY_ADMIN_TOKEN'];
  readonly databaseUrl: string;
  readonly kafkaBrokers: string[];
  readonly identityDb = uniqueDatabaseName('identity');
  readonly factorsDb = uniqueDatabaseName('factors');
  /** The factors service's secrets; CODE_TRANSPORT_KEYS lets a test read the codes it sends. */
  readonly factorsSecrets = factorsSecretSettings();
  readonly identitySecrets = identitySecretSettings();
  readonly auditDb = uniqueDatabaseName('audit');
  readonly riskDb = uniqueDatabaseName('risk');
  readonly gatewayDb = uniqueDatabaseName('gateway');
  readonly auditGroup = `audit-${uniqueSuffix()}`;
  private readonly ports: Record<
    'identity' | 'factors' | 'delivery' | 'risk' | 'audit' | 'gateway' | 'http',
    number
  > = {
    identity: 0,
    factors: 0,
    delivery: 0,
    risk: 0,
    audit: 0,
    gateway: 0,
    http: 0,
  };
  private grpcClient: GrpcPeer<gatewayV1.GatewayServiceClient> | undefined;

  constructor(private readonly options: SliceOptions = {}) {
    const infra = testInfrastructure();
    this.databaseUrl = infra.databaseUrl;
    this.kafkaBrokers = options.kafkaBrokers ?? infra.kafkaBrokers;
  }

  async start(): Promise<this> {
    this.ports.identity = await freePort();
    this.ports.factors = await freePort();
    this.ports.audit = await freePort();
    this.ports.risk = await freePort();
    this.ports.gateway = await freePort();
    this.ports.http = await freePort();
    [this.identity, this.factors, this.risk, this.audit, this.delivery] = await Promise.all([
      this.startIdentity(this.options.identityFaultPoints),
      this.startFactors(),
      this.startRisk(),
      this.startAudit(this.options.auditFaultPoints),
      this.options.delivery ? this.startDelivery() : Promise.resolve(undefined),
    ]);
    this.gateway = await this.startGateway();
    this.httpUrl = `http://127.0.0.1:${this.ports.http}`;
    return this;
  }

  startGateway(): Promise<ServiceProcess> {
    return startServiceProcess('gateway', {
      ...this.backEndEnv(this.ports.gateway, this.gatewayDb, undefined),
      ...this.tracingEnv('gateway'),
      ...this.gatewaySecrets,
      HTTP_PORT: String(this.ports.http),
      IDENTITY_GRPC_URL: `127.0.0.1:${this.ports.identity}`,
      AUDIT_GRPC_URL: `127.0.0.1:${this.ports.audit}`,
      FACTORS_GRPC_URL: `127.0.0.1:${this.ports.factors}`,
      RISK_GRPC_URL: `127.0.0.1:${this.ports.risk}`,
      // A loaded CI machine runs every service on two cores: risk's deadline is generous here
      // (fallback behaviour has its own test).
      RISK_DEADLINE_MS: '2000',
      OUTBOX_POLL_INTERVAL_MS: '100',
      HTTP_BODY_LIMIT_BYTES: '16384',
      GRPC_MAX_MESSAGE_BYTES: '65536',
      ...this.options.gatewayEnv,
    });
  }

  startRisk(): Promise<ServiceProcess> {
    return startServiceProcess('risk', {
      ...this.backEndEnv(this.ports.risk, this.riskDb, undefined),
      ...this.tracingEnv('risk'),
      OUTBOX_POLL_INTERVAL_MS: '100',
      RISK_CONSUMER_GROUP: `risk-${uniqueSuffix()}`,
      ...this.options.riskEnv,
    });
  }

  startIdentity(faultPoints?: string): Promise<ServiceProcess> {
    return startServiceProcess('identity', {
      ...this.backEndEnv(this.ports.identity, this.identityDb, faultPoints),
      ...this.tracingEnv('identity'),
      ...this.identitySecrets,
      OUTBOX_POLL_INTERVAL_MS: '100',
    });
  }

  startFactors(): Promise<ServiceProcess> {
    return startServiceProcess('factors', {
      ...this.backEndEnv(this.ports.factors, this.factorsDb, undefined),
      ...this.tracingEnv('factors'),
      ...this.factorsSecrets,
      OUTBOX_POLL_INTERVAL_MS: '100',
      // Passkeys are bound to the page the gateway serves.
      WEBAUTHN_RP_ID: 'localhost',
      WEBAUTHN_ORIGINS: [`http://localhost:${this.ports.http}`, ...(this.options.webauthnOrigins ?? [])].join(
        ',',
      ),
    });
  }

  /** Delivery with Twilio (SMS, voice) and SMTP (email) stand-ins that the test reads. */
  async startDelivery(): Promise<ServiceProcess> {
    await Promise.all([this.twilio.start(), this.smtp.start()]);
    this.ports.delivery = await freePort();
    return startServiceProcess('delivery', {
      ...this.backEndEnv(this.ports.delivery, this.deliveryDb, undefined),
      ...this.tracingEnv('delivery'),
      ...deliverySecretSettings(this.factorsSecrets['CODE_TRANSPORT_KEYS']),
      HTTP_PORT: '0',
      OUTBOX_POLL_INTERVAL_MS: '100',
      DELIVERY_CONSUMER_GROUP: `delivery-${uniqueSuffix()}`,
      SMS_PROVIDERS: 'twilio',
      VOICE_PROVIDERS: 'twilio',
      EMAIL_PROVIDERS: 'smtp',
      TWILIO_ACCOUNT_SID: `AC${randomBytes(16).toString('hex')}`,
      TWILIO_AUTH_TOKEN: randomBytes(16).toString('hex'),
      TWILIO_FROM_NUMBER: '+15005550006',
      TWILIO_API_URL: this.twilio.url,
      SMTP_URL: this.smtp.url,
    });
  }

  /** The gateway's HTTP origin as a browser on this machine names it (passkeys need a domain). */
  get browserOrigin(): string {
    return `http://localhost:${this.ports.http}`;
  }

  startAudit(faultPoints?: string): Promise<ServiceProcess> {
    return startServiceProcess('audit', {
      ...this.backEndEnv(this.ports.audit, this.auditDb, faultPoints),
      ...this.tracingEnv('audit'),
      AUDIT_CONSUMER_GROUP: this.auditGroup,
    });
  }

  /** With `tracesDir`: tracing on, and the service's spans in a file of its own. */
  private tracingEnv(service: ServiceName): Record<string, string> {
    const dir = this.options.tracesDir;
    return dir ? { OTEL_ENABLED: 'true', OTEL_TRACES_FILE: join(dir, `${service}.jsonl`) } : {};
  }

  /** Every span the services have written so far (`tracesDir`), across all services. */
  async spans(): Promise<SpanRecord[]> {
    const dir = this.options.tracesDir;
    if (!dir) throw new Error('spans() needs the tracesDir option');
    const services: ServiceName[] = ['gateway', 'identity', 'factors', 'risk', 'audit', 'delivery'];
    const texts = await Promise.all(
      services.map((service) =>
        // A service that has ended no span yet has no file yet.
        readFile(join(dir, `${service}.jsonl`), 'utf8').catch((error: NodeJS.ErrnoException) => {
          if (error.code === 'ENOENT') return '';
          throw error;
        }),
      ),
    );
    return texts.flatMap((text) => parseSpanRecords(text));
  }

  /** Settings of a service with a database and Kafka. */
  private backEndEnv(
    port: number,
    database: string,
    faultPoints: string | undefined,
  ): Record<string, string> {
    return {
      ...this.options.env,
      GRPC_PORT: String(port),
      DATABASE_URL: this.databaseUrl,
      DATABASE_NAME: database,
      KAFKA_BROKERS: this.kafkaBrokers.join(','),
      ...(faultPoints ? { FAULT_POINTS: faultPoints } : {}),
    };
  }

  /** HTTP call to the gateway with the operator credential (or `bearer`) unless `auth: false`. */
  async http(
    method: string,
    path: string,
    body?: unknown,
    { auth = true, raw, bearer }: { auth?: boolean; raw?: string; bearer?: string } = {},
  ) {
    const response = await fetch(`${this.httpUrl}${path}`, {
      method,
      headers: {
        ...(auth ? { authorization: `Bearer ${bearer ?? this.adminToken}` } : {}),
        ...(body !== undefined || raw !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      body: raw ?? (body === undefined ? undefined : JSON.stringify(body)),
    });
    const text = await response.text();
    return {
      status: response.status,
      contentType: response.headers.get('content-type') ?? '',
      text,
      json: (text && /json/.test(response.headers.get('content-type') ?? '')
        ? JSON.parse(text)
        : undefined) as Record<string, any>, // eslint-disable-line @typescript-eslint/no-explicit-any
    };
  }

  /** host:port of the gateway's gRPC API. */
  get grpcAddress(): string {
    return `127.0.0.1:${this.ports.gateway}`;
  }

  /** The gateway's public gRPC API. */
  get grpc(): GrpcPeer<gatewayV1.GatewayServiceClient> {
    this.grpcClient ??= new GrpcPeer<gatewayV1.GatewayServiceClient>({
      url: `127.0.0.1:${this.ports.gateway}`,
      protoPath: PROTO_FILES.gateway,
      packageName: PROTO_PACKAGES.gateway,
      serviceName: gatewayV1.GATEWAY_SERVICE_NAME,
      deadlineMs: 10_000,
    });
    return this.grpcClient;
  }

  adminMetadata(token = this.adminToken): Metadata {
    const metadata = new Metadata();
    metadata.set('authorization', `Bearer ${token}`);
    return metadata;
  }

  async createTenant(name = `Tenant ${uniqueSuffix()}`): Promise<string> {
    const response = await this.http('POST', '/v1/tenants', { name });
    if (response.status !== 201) throw new Error(`tenant creation failed: ${response.text}`);
    return response.json['tenant'].id as string;
  }

  async stop(): Promise<void> {
    this.grpcClient?.close();
    await Promise.all(
      [this.gateway, this.identity, this.factors, this.risk, this.audit, this.delivery]
        .filter((p): p is ServiceProcess => p !== undefined)
        .map((p) => p.stop()),
    );
    // Left listening, the stand-ins would keep Jest from exiting.
    await Promise.all([this.twilio.stop(), this.smtp.stop()]);
    await dropDatabases(this.databaseUrl, [
      this.identityDb,
      this.factorsDb,
      this.riskDb,
      this.auditDb,
      this.gatewayDb,
      this.deliveryDb,
    ]).catch(() => undefined);
  }
}
