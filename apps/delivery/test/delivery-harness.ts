import { randomBytes, randomUUID } from 'node:crypto';
import {
  encodeEventPayload,
  EVENT_HEADERS,
  eventPayloadToJson,
  type EventType,
  toTimestamp,
  TOPICS,
} from '@portcullis/contracts';
import { EnvelopeCipher, generateKeyRingEntry, parseKeyRing } from '@portcullis/crypto';
import { createLogger } from '@portcullis/observability';
import {
  dropDatabases,
  freePort,
  publishRaw,
  queryDatabase,
  SmtpStandIn,
  testInfrastructure,
  TwilioStandIn,
  uniqueDatabaseName,
  uniqueSuffix,
  WebhookStandIn,
} from '@portcullis/testing';
import { type DeliveryConfig, loadDeliveryConfig } from '../src/config/delivery.config';
import { type RunningDelivery, startDelivery } from '../src/delivery-app';
import { DeliverCodeUseCase } from '../src/use-cases/deliver-code/deliver-code.use-case';

export interface CodeEvent {
  readonly codeId?: string;
  readonly tenantId?: string;
  readonly userId?: string;
  readonly channel?: 'sms' | 'voice' | 'email';
  readonly destination?: string;
  readonly code?: string;
  readonly locale?: string;
  readonly action?: string;
  readonly clientIp?: string;
  readonly expiresAt?: Date;
  /** Reuse an event id (a redelivery of the same Kafka event). */
  readonly eventId?: string;
}

/** The delivery service in-process, with Twilio, SMTP and webhook stand-ins and a fresh database. */
export class DeliveryHarness {
  readonly infra = testInfrastructure();
  readonly database = uniqueDatabaseName('delivery');
  readonly twilio = new TwilioStandIn();
  readonly smtp = new SmtpStandIn();
  readonly webhook = new WebhookStandIn();
  readonly transportKeys = generateKeyRingEntry('t1');
  readonly authToken = randomBytes(16).toString('hex');
  readonly accountSid = `AC${randomBytes(16).toString('hex')}`;
  readonly tenantId = randomUUID();
  readonly logs: string[] = [];
  readonly revealed = new Set<string>();
  config!: DeliveryConfig;
  running!: RunningDelivery;
  httpUrl = '';

  async start(settings: Record<string, string> = {}, logLevel: 'trace' | 'silent' = 'trace'): Promise<this> {
    await Promise.all([this.twilio.start(), this.smtp.start(), this.webhook.start()]);
    const [grpcPort, httpPort] = [await freePort(), await freePort()];
    this.httpUrl = `http://127.0.0.1:${httpPort}`;
    this.config = loadDeliveryConfig({
      DATABASE_URL: this.infra.databaseUrl,
      DATABASE_NAME: this.database,
      KAFKA_BROKERS: this.infra.kafkaBrokers.join(','),
      GRPC_PORT: String(grpcPort),
      HTTP_PORT: String(httpPort),
      OUTBOX_POLL_INTERVAL_MS: '1000',
      OTEL_ENABLED: 'false',
      DELIVERY_CONSUMER_GROUP: `delivery-${uniqueSuffix()}`,
      DELIVERY_PUBLIC_URL: this.httpUrl,
      CODE_TRANSPORT_KEYS: this.transportKeys,
      DELIVERY_HASH_KEY: randomBytes(32).toString('base64url'),
      SMS_PROVIDERS: 'twilio,webhook',
      VOICE_PROVIDERS: 'twilio',
      EMAIL_PROVIDERS: 'smtp',
      TWILIO_ACCOUNT_SID: this.accountSid,
      TWILIO_AUTH_TOKEN: this.authToken,
      TWILIO_FROM_NUMBER: '+15005550006',
      TWILIO_API_URL: this.twilio.url,
      SMS_WEBHOOK_URL: this.webhook.url,
      SMS_WEBHOOK_SECRET: randomBytes(32).toString('base64url'),
      SMTP_URL: this.smtp.url,
      EMAIL_FROM: 'Acme <no-reply@acme.test>',
      PROVIDER_TIMEOUT_MS: '500',
      PROVIDER_RETRY_BACKOFF_MS: '20',
      ...settings,
    });
    const logger = createLogger({
      service: 'delivery',
      level: logLevel,
      destination: { write: (line: string) => this.logs.push(line) },
    });
    this.running = await startDelivery(this.config, logger);
    return this;
  }

  async stop(): Promise<void> {
    await this.running?.close();
    await Promise.all([this.twilio.stop(), this.smtp.stop(), this.webhook.stop()]);
    await dropDatabases(this.infra.databaseUrl, [this.database]);
  }

  /** The use-case itself, for races no single consumer would produce. */
  get deliver(): DeliverCodeUseCase {
    return this.running.app.get(DeliverCodeUseCase);
  }

  /** A factors.code.issued event as factors writes it, sealed with the shared transport key. */
  codeEvent(e: CodeEvent = {}) {
    const cipher = new EnvelopeCipher(parseKeyRing(this.transportKeys));
    const codeId = e.codeId ?? randomUUID();
    const code = e.code ?? String(Math.floor(100000 + Math.random() * 900000));
    const destination = e.destination ?? '+447911123456';
    this.revealed.add(code).add(destination);
    const tenantId = e.tenantId ?? this.tenantId;
    const userId = e.userId ?? randomUUID();
    const sealedCode = cipher.seal(code, `code:${codeId}`);
    const payload = {
      codeId,
      tenantId,
      userId,
      factorId: randomUUID(),
      channel: e.channel ?? 'sms',
      purpose: 'AUTHENTICATION',
      locale: e.locale ?? 'en',
      action: e.action ?? '',
      expireTime: toTimestamp(e.expiresAt ?? new Date(Date.now() + 300_000)),
      sealedKeyId: sealedCode.keyId,
      sealedCode: sealedCode.value,
      sealedDestination: cipher.seal(destination, `code:${codeId}:destination`).value,
      destinationHint: '',
      clientIp: e.clientIp ?? '',
    };
    const message = {
      key: `${tenantId}:${userId}`,
      value: encodeEventPayload('factors.code.issued', payload),
      headers: {
        [EVENT_HEADERS.id]: e.eventId ?? randomUUID(),
        [EVENT_HEADERS.type]: 'factors.code.issued',
        [EVENT_HEADERS.tenantId]: tenantId,
        [EVENT_HEADERS.occurredAt]: new Date().toISOString(),
      },
    };
    const toSend = {
      codeId,
      tenantId,
      userId,
      channel: payload.channel,
      code,
      destination,
      locale: payload.locale,
      action: payload.action,
      expiresAt: e.expiresAt ?? new Date(Date.now() + 300_000),
      clientIp: payload.clientIp,
    };
    return { codeId, code, destination, userId, message, toSend };
  }

  async publish(...messages: ReturnType<DeliveryHarness['codeEvent']>['message'][]): Promise<void> {
    await publishRaw(this.infra.kafkaBrokers, TOPICS.factorCodes, messages);
  }

  query<T = Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<T[]> {
    return queryDatabase<T>(this.infra.databaseUrl, this.database, sql, params);
  }

  async message(codeId: string): Promise<Record<string, unknown> | undefined> {
    return (await this.query('SELECT * FROM messages WHERE code_id = $1', [codeId]))[0];
  }

  async events(type?: string): Promise<{ type: EventType; payload: Record<string, unknown> }[]> {
    const rows = await this.query<{ type: EventType; payload: Buffer }>(
      'SELECT type, payload FROM outbox_events ORDER BY seq',
    );
    return rows
      .filter((r) => !type || r.type === type)
      .map((r) => ({
        type: r.type,
        payload: eventPayloadToJson(r.type, r.payload) as Record<string, unknown>,
      }));
  }

  /** SECURITY.md 30: no code or full destination in any log line. */
  leakedSecrets(): string[] {
    const all = this.logs.join('\n');
    return [...this.revealed].filter((value) => all.includes(value));
  }
}
