import { randomBytes, randomInt, randomUUID } from 'node:crypto';
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
  type TwilioRequest,
  eventually,
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
  /**
   * Turns telemetry on and gives every service instance a Prometheus endpoint of its own
   * (METRICS_PORT); read it with `metrics(service)`.
   */
  readonly metrics?: boolean;
  /** Extra settings of delivery (e.g. a fixed HTTP_PORT and DELIVERY_PUBLIC_URL for receipts). */
  readonly deliveryEnv?: Record<string, string>;
  /** A PostgreSQL server other than the shared one (e.g. a dedicated one a test restarts). */
  readonly databaseUrl?: string;
  /**
   * Instances of the services that scale out (default one each). Replicas share their service's
   * database and consumer group; each gateway calls every factors and audit replica, round robin.
   */
  readonly replicas?: Partial<Record<ScaledService, number>>;
}

export type ScaledService = 'gateway' | 'factors' | 'audit';

/** A customer with a password and an active SMS factor, of a tenant that always asks for MFA. */
export interface SmsCustomer {
  readonly tenantId: string;
  readonly userId: string;
  readonly factorId: string;
  /** E.164, a UK mobile number of this run's own (+447911 8xxxxx): no other test's SMS counts. */
  readonly phone: string;
  /** The number's national digits after the area code (how it might leak into a log). */
  readonly subscriber: string;
  /** The code the enrolment's SMS carried. */
  readonly enrolmentCode: string;
  /** What the Twilio stand-in received for this number, oldest first. */
  readonly sms: () => TwilioRequest[];
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
  /** Every instance of the scaled services; `gateway`, `factors` and `audit` are the first. */
  readonly instances: Record<ScaledService, ServiceProcess[]> = { gateway: [], factors: [], audit: [] };
  /** HTTP origin of each gateway instance; `httpUrl` is the first. */
  httpUrls: string[] = [];
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
  /** Ports of every instance of the scaled services (the gateway's HTTP ports as 'http'). */
  private readonly replicaPorts: Record<ScaledService | 'http', number[]> = {
    gateway: [],
    factors: [],
    audit: [],
    http: [],
  };
  private grpcClient: GrpcPeer<gatewayV1.GatewayServiceClient> | undefined;

  constructor(private readonly options: SliceOptions = {}) {
    const infra = testInfrastructure();
    this.databaseUrl = options.databaseUrl ?? infra.databaseUrl;
    this.kafkaBrokers = options.kafkaBrokers ?? infra.kafkaBrokers;
  }

  async start(): Promise<this> {
    if (this.options.metrics) await this.reserveMetricsPorts();
    this.ports.identity = await freePort();
    this.ports.risk = await freePort();
    for (const service of ['gateway', 'factors', 'audit'] as const) {
      for (let i = 0; i < (this.options.replicas?.[service] ?? 1); i += 1) {
        this.replicaPorts[service].push(await freePort());
        if (service === 'gateway') this.replicaPorts.http.push(await freePort());
      }
    }
    this.ports.factors = this.replicaPorts.factors[0];
    this.ports.audit = this.replicaPorts.audit[0];
    this.ports.gateway = this.replicaPorts.gateway[0];
    this.ports.http = this.replicaPorts.http[0];
    this.httpUrls = this.replicaPorts.http.map((port) => `http://127.0.0.1:${port}`);
    const indexes = (service: ScaledService) => this.replicaPorts[service].map((_, i) => i);
    const [identity, risk, delivery, factors, audits] = await Promise.all([
      this.startIdentity(this.options.identityFaultPoints),
      this.startRisk(),
      this.options.delivery ? this.startDelivery() : Promise.resolve(undefined),
      Promise.all(indexes('factors').map((i) => this.startFactors(i))),
      Promise.all(indexes('audit').map((i) => this.startAudit(this.options.auditFaultPoints, i))),
    ]);
    [this.identity, this.risk, this.delivery] = [identity, risk, delivery];
    this.instances.factors = factors;
    this.instances.audit = audits;
    this.instances.gateway = await Promise.all(indexes('gateway').map((i) => this.startGateway(i)));
    [this.factors, this.audit, this.gateway] = [factors[0], audits[0], this.instances.gateway[0]];
    this.httpUrl = this.httpUrls[0];
    return this;
  }

  /** The gateway's address of a scaled service: every replica, calls spread round robin. */
  private peerTarget(service: ScaledService): string {
    const ports = this.replicaPorts[service];
    return ports.length === 1
      ? `127.0.0.1:${ports[0]}`
      : `ipv4:${ports.map((port) => `127.0.0.1:${port}`).join(',')}`;
  }

  /** Starts gateway instance `index` (0 unless `replicas`), e.g. again after a test killed it. */
  async startGateway(index = 0): Promise<ServiceProcess> {
    const started = await startServiceProcess('gateway', {
      ...this.backEndEnv(this.replicaPorts.gateway[index], this.gatewayDb, undefined),
      ...this.tracingEnv('gateway'),
      ...this.metricsEnv('gateway', index),
      ...this.gatewaySecrets,
      HTTP_PORT: String(this.replicaPorts.http[index]),
      IDENTITY_GRPC_URL: `127.0.0.1:${this.ports.identity}`,
      AUDIT_GRPC_URL: this.peerTarget('audit'),
      FACTORS_GRPC_URL: this.peerTarget('factors'),
      RISK_GRPC_URL: `127.0.0.1:${this.ports.risk}`,
      // A loaded CI machine runs every service on two cores: risk's deadline is generous here
      // (fallback behaviour has its own test).
      RISK_DEADLINE_MS: '2000',
      OUTBOX_POLL_INTERVAL_MS: '100',
      HTTP_BODY_LIMIT_BYTES: '16384',
      GRPC_MAX_MESSAGE_BYTES: '65536',
      ...this.options.gatewayEnv,
    });
    this.instances.gateway[index] = started;
    return started;
  }

  startRisk(): Promise<ServiceProcess> {
    return startServiceProcess('risk', {
      ...this.backEndEnv(this.ports.risk, this.riskDb, undefined),
      ...this.tracingEnv('risk'),
      ...this.metricsEnv('risk'),
      OUTBOX_POLL_INTERVAL_MS: '100',
      RISK_CONSUMER_GROUP: `risk-${uniqueSuffix()}`,
      ...this.options.riskEnv,
    });
  }

  startIdentity(faultPoints?: string): Promise<ServiceProcess> {
    return startServiceProcess('identity', {
      ...this.backEndEnv(this.ports.identity, this.identityDb, faultPoints),
      ...this.tracingEnv('identity'),
      ...this.metricsEnv('identity'),
      ...this.identitySecrets,
      OUTBOX_POLL_INTERVAL_MS: '100',
    });
  }

  /** Starts factors instance `index` (0 unless `replicas`), e.g. again after a test killed it. */
  async startFactors(index = 0): Promise<ServiceProcess> {
    const started = await startServiceProcess('factors', {
      ...this.backEndEnv(this.replicaPorts.factors[index], this.factorsDb, undefined),
      ...this.tracingEnv('factors'),
      ...this.metricsEnv('factors', index),
      ...this.factorsSecrets,
      OUTBOX_POLL_INTERVAL_MS: '100',
      // Passkeys are bound to the page the gateway serves.
      WEBAUTHN_RP_ID: 'localhost',
      WEBAUTHN_ORIGINS: [`http://localhost:${this.ports.http}`, ...(this.options.webauthnOrigins ?? [])].join(
        ',',
      ),
    });
    this.instances.factors[index] = started;
    return started;
  }

  /** Delivery with Twilio (SMS, voice) and SMTP (email) stand-ins that the test reads. */
  async startDelivery(): Promise<ServiceProcess> {
    await Promise.all([this.twilio.start(), this.smtp.start()]);
    this.ports.delivery = await freePort();
    return startServiceProcess('delivery', {
      ...this.backEndEnv(this.ports.delivery, this.deliveryDb, undefined),
      ...this.tracingEnv('delivery'),
      ...this.metricsEnv('delivery'),
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
      ...this.options.deliveryEnv,
    });
  }

  /** The gateway's HTTP origin as a browser on this machine names it (passkeys need a domain). */
  get browserOrigin(): string {
    return `http://localhost:${this.ports.http}`;
  }

  /** Starts audit instance `index` (0 unless `replicas`), e.g. again after a test killed it. */
  async startAudit(faultPoints?: string, index = 0): Promise<ServiceProcess> {
    const started = await startServiceProcess('audit', {
      ...this.backEndEnv(this.replicaPorts.audit[index], this.auditDb, faultPoints),
      ...this.tracingEnv('audit'),
      ...this.metricsEnv('audit', index),
      AUDIT_CONSUMER_GROUP: this.auditGroup,
    });
    this.instances.audit[index] = started;
    return started;
  }

  /** Metrics ports of every service instance (`metrics` option), by `<service>:<index>`. */
  private readonly metricsPorts = new Map<string, number>();

  private async reserveMetricsPorts(): Promise<void> {
    for (const service of ['gateway', 'identity', 'factors', 'risk', 'audit', 'delivery'] as const) {
      const count = this.options.replicas?.[service as ScaledService] ?? 1;
      for (let i = 0; i < count; i += 1) this.metricsPorts.set(`${service}:${i}`, await freePort());
    }
  }

  /** With `metrics`: telemetry on and a Prometheus endpoint on the instance's own port. */
  private metricsEnv(service: ServiceName, index = 0): Record<string, string> {
    const port = this.metricsPorts.get(`${service}:${index}`);
    return port ? { OTEL_ENABLED: 'true', METRICS_HOST: '127.0.0.1', METRICS_PORT: String(port) } : {};
  }

  /** The Prometheus text a service instance serves now (`metrics` option). */
  async metrics(service: ServiceName, index = 0): Promise<string> {
    const port = this.metricsPorts.get(`${service}:${index}`);
    if (!port) throw new Error(`metrics() needs the metrics option (and ${service} instance ${index})`);
    const response = await fetch(`http://127.0.0.1:${port}/metrics`);
    if (!response.ok) throw new Error(`GET /metrics of ${service}: ${response.status}`);
    return response.text();
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

  /**
   * HTTP call to the gateway (instance `instance`, default the first) with the operator
   * credential (or `bearer`) unless `auth: false`.
   */
  async http(
    method: string,
    path: string,
    body?: unknown,
    {
      auth = true,
      raw,
      bearer,
      instance = 0,
      headers = {},
    }: {
      auth?: boolean;
      raw?: string;
      bearer?: string;
      instance?: number;
      headers?: Record<string, string>;
    } = {},
  ) {
    const response = await fetch(`${this.httpUrls[instance] ?? this.httpUrl}${path}`, {
      method,
      headers: {
        ...(auth ? { authorization: `Bearer ${bearer ?? this.adminToken}` } : {}),
        ...(body !== undefined || raw !== undefined ? { 'content-type': 'application/json' } : {}),
        ...headers,
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

  /**
   * Over HTTP: a tenant whose risk policy always asks for MFA and a customer of it with a phone,
   * `password` and an SMS factor, activated with the code its SMS brought (delivery must run).
   */
  async smsCustomer(label: string, password: string): Promise<SmsCustomer> {
    const expectStatus = <R extends { status: number; text: string }>(
      response: R,
      status: number,
      what: string,
    ): R => {
      if (response.status !== status) throw new Error(`${what}: ${response.status} ${response.text}`);
      return response;
    };
    const tenantId = await this.createTenant();
    expectStatus(
      await this.http('PUT', `/v1/tenants/${tenantId}/risk-policy`, { policy: { mfaMode: 'always' } }),
      200,
      'risk policy',
    );
    const subscriber = String(randomInt(800_000, 900_000));
    const phone = `+447911${subscriber}`;
    const created = expectStatus(
      await this.http('POST', '/v1/users', {
        tenantId,
        externalId: `${label}-${randomUUID()}`,
        phoneNumber: `+44 7911 ${subscriber}`,
      }),
      201,
      'user',
    );
    const userId = created.json['user'].id as string;
    expectStatus(
      await this.http('PUT', `/v1/users/${userId}/password`, { tenantId, password }),
      204,
      'password',
    );
    const begun = expectStatus(
      await this.http('POST', `/v1/users/${userId}/factors`, { tenantId, type: 'sms_otp' }),
      201,
      'SMS enrolment',
    );
    const sms = () => this.twilio.sentTo(phone);
    const enrolmentCode = await eventually(() => {
      if (sms().length !== 1) throw new Error(`${sms().length} SMS to ${phone}, expected the enrolment's`);
      return (sms()[0].params['Body'] ?? '').slice(0, 6);
    });
    const activated = expectStatus(
      await this.http('POST', `/v1/users/${userId}/enrollments/${begun.json['enrollmentId']}/activate`, {
        tenantId,
        proof: { code: enrolmentCode },
      }),
      200,
      'SMS activation',
    );
    const factorId = activated.json['factor'].id as string;
    return { tenantId, userId, factorId, phone, subscriber, enrolmentCode, sms };
  }

  async stop(): Promise<void> {
    this.grpcClient?.close();
    await Promise.all(
      [
        ...new Set([
          ...this.instances.gateway,
          ...this.instances.factors,
          ...this.instances.audit,
          this.gateway,
          this.identity,
          this.factors,
          this.risk,
          this.audit,
          this.delivery,
        ]),
      ]
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
