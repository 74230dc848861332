import { type DynamicModule, Module } from '@nestjs/common';
import { TOPICS } from '@portcullis/contracts';
import { EnvelopeCipher, KeyedHasher, parseKeyRing } from '@portcullis/crypto';
import {
  EventConsumer,
  FAULT_INJECTOR,
  type FaultInjector,
  KAFKA,
  kafkaProviders,
  OUTBOX_WRITER,
  type OutboxWriter,
  outboxProviders,
} from '@portcullis/messaging';
import { LOGGER, loggerProvider, readinessProvider, type Logger } from '@portcullis/observability';
import { DATA_SOURCE, persistenceProviders } from '@portcullis/persistence';
import type { Kafka } from 'kafkajs';
import type { DataSource } from 'typeorm';
import type { MessageProvider } from './channels/message-provider';
import { MessageProviders } from './channels/message-providers';
import { SmtpEmailProvider } from './channels/smtp-email/smtp-email.provider';
import { createTwilioClient } from './channels/twilio/twilio-client';
import { TwilioSmsProvider } from './channels/twilio-sms/twilio-sms.provider';
import { TwilioVoiceProvider } from './channels/twilio-voice/twilio-voice.provider';
import { WebhookSmsProvider } from './channels/webhook-sms/webhook-sms.provider';
import type { DeliveryConfig } from './config/delivery.config';
import { Clock, DeliveryMetrics, DeliveryUnitOfWork, SendBudgets } from './domain/ports';
import { createCodeIssuedConsumer } from './events/code-issued.consumer';
import { createTenantNamesConsumer } from './events/tenant-names.consumer';
import { DeliveryGrpcController } from './grpc/delivery.controller';
import {
  RECEIPTS_SETTINGS,
  TWILIO_RECEIPTS_PATH,
  TwilioReceiptsController,
} from './http/twilio-receipts.controller';
import { OtelDeliveryMetrics } from './metrics/otel-delivery-metrics';
import { DELIVERY_MIGRATIONS } from './persistence/migrations';
import { SqlDeliveryUnitOfWork } from './persistence/sql-delivery-unit-of-work';
import { SqlSendBudgets } from './persistence/sql-send-budgets';
import { BudgetKeyHasher, DeliverCodeUseCase } from './use-cases/deliver-code/deliver-code.use-case';
import { GetDeliveryPolicyUseCase } from './use-cases/get-delivery-policy/get-delivery-policy.use-case';
import { GetMessageStatusUseCase } from './use-cases/get-message-status/get-message-status.use-case';
import { RecordReceiptUseCase } from './use-cases/record-receipt/record-receipt.use-case';
import { RecordTenantNameUseCase } from './use-cases/record-tenant-name/record-tenant-name.use-case';
import { SetDeliveryPolicyUseCase } from './use-cases/set-delivery-policy/set-delivery-policy.use-case';

const CODE_CONSUMER = Symbol('CODE_CONSUMER');
const TENANT_CONSUMER = Symbol('TENANT_CONSUMER');

/** The providers the settings list, in failover order per channel. */
export function providersOf(config: DeliveryConfig): MessageProvider[] {
  const timeoutMs = config.PROVIDER_TIMEOUT_MS;
  const statusCallbackUrl = config.DELIVERY_PUBLIC_URL
    ? `${config.DELIVERY_PUBLIC_URL.replace(/\/$/, '')}${TWILIO_RECEIPTS_PATH}`
    : undefined;
  const client =
    config.TWILIO_ACCOUNT_SID && config.TWILIO_AUTH_TOKEN
      ? createTwilioClient({
          accountSid: config.TWILIO_ACCOUNT_SID,
          authToken: config.TWILIO_AUTH_TOKEN,
          apiBaseUrl: config.TWILIO_API_URL,
          timeoutMs,
        })
      : undefined;
  const sms = config.SMS_PROVIDERS.map((name): MessageProvider =>
    name === 'twilio'
      ? new TwilioSmsProvider(client!, {
          from: config.TWILIO_FROM_NUMBER,
          messagingServiceSid: config.TWILIO_MESSAGING_SERVICE_SID,
          statusCallbackUrl,
        })
      : new WebhookSmsProvider({
          url: config.SMS_WEBHOOK_URL!,
          secret: config.SMS_WEBHOOK_SECRET!,
          timeoutMs,
        }),
  );
  const voice = config.VOICE_PROVIDERS.map(
    () => new TwilioVoiceProvider(client!, { from: config.TWILIO_FROM_NUMBER!, statusCallbackUrl }),
  );
  const email = config.EMAIL_PROVIDERS.map(
    () => new SmtpEmailProvider({ url: config.SMTP_URL!, from: config.EMAIL_FROM, timeoutMs }),
  );
  return [...sms, ...voice, ...email];
}

@Module({})
export class DeliveryModule {
  static register(config: DeliveryConfig, logger: Logger): DynamicModule {
    const transport = new EnvelopeCipher(parseKeyRing(config.CODE_TRANSPORT_KEYS));
    const hasher = new KeyedHasher(Buffer.from(config.DELIVERY_HASH_KEY, 'utf8'));
    return {
      module: DeliveryModule,
      controllers: [DeliveryGrpcController, TwilioReceiptsController],
      providers: [
        loggerProvider(logger),
        readinessProvider({
          intervalMs: config.READINESS_CHECK_INTERVAL_MS,
          timeoutMs: config.READINESS_CHECK_TIMEOUT_MS,
        }),
        ...persistenceProviders(
          {
            serverUrl: config.DATABASE_URL,
            database: config.DATABASE_NAME,
            entities: [],
            migrations: DELIVERY_MIGRATIONS,
            applicationName: 'delivery',
          },
          config.MIGRATE_ON_BOOT,
        ),
        ...kafkaProviders({
          clientId: 'delivery',
          brokers: config.KAFKA_BROKERS,
          topics: [TOPICS.deliveryEvents],
          faultPoints: config.FAULT_POINTS,
        }),
        ...outboxProviders({
          pollIntervalMs: config.OUTBOX_POLL_INTERVAL_MS,
          serverUrl: config.DATABASE_URL,
          database: config.DATABASE_NAME,
        }),
        {
          provide: DeliveryUnitOfWork,
          useFactory: (ds: DataSource, outbox: OutboxWriter) => new SqlDeliveryUnitOfWork(ds, outbox),
          inject: [DATA_SOURCE, OUTBOX_WRITER],
        },
        {
          provide: SendBudgets,
          useFactory: (ds: DataSource) => new SqlSendBudgets(ds),
          inject: [DATA_SOURCE],
        },
        { provide: Clock, useValue: { now: () => new Date() } satisfies Clock },
        { provide: DeliveryMetrics, useFactory: () => new OtelDeliveryMetrics() },
        {
          provide: BudgetKeyHasher,
          useValue: { hash: (value: string) => hasher.hash(value, 'budget') } satisfies BudgetKeyHasher,
        },
        { provide: MessageProviders, useValue: new MessageProviders(providersOf(config)) },
        {
          provide: DeliverCodeUseCase,
          useFactory: (
            uow: DeliveryUnitOfWork,
            budgets: SendBudgets,
            providers: MessageProviders,
            keys: BudgetKeyHasher,
            clock: Clock,
            log: Logger,
            metrics: DeliveryMetrics,
          ) =>
            new DeliverCodeUseCase(
              uow,
              budgets,
              providers,
              keys,
              clock,
              {
                defaultTenantName: config.DEFAULT_TENANT_NAME,
                maxRetriesPerProvider: config.PROVIDER_MAX_RETRIES,
                retryBackoffMs: config.PROVIDER_RETRY_BACKOFF_MS,
              },
              log.child({ component: 'deliver-code' }),
              metrics,
            ),
          inject: [
            DeliveryUnitOfWork,
            SendBudgets,
            MessageProviders,
            BudgetKeyHasher,
            Clock,
            LOGGER,
            DeliveryMetrics,
          ],
        },
        {
          provide: RECEIPTS_SETTINGS,
          useValue: { authToken: config.TWILIO_AUTH_TOKEN, publicUrl: config.DELIVERY_PUBLIC_URL },
        },
        RecordReceiptUseCase,
        RecordTenantNameUseCase,
        GetMessageStatusUseCase,
        GetDeliveryPolicyUseCase,
        SetDeliveryPolicyUseCase,
        {
          provide: CODE_CONSUMER,
          useFactory: (
            kafka: Kafka,
            ds: DataSource,
            deliver: DeliverCodeUseCase,
            log: Logger,
            faults: FaultInjector,
          ): EventConsumer =>
            createCodeIssuedConsumer(
              kafka,
              ds,
              config.DELIVERY_CONSUMER_GROUP,
              transport,
              deliver,
              log,
              faults,
            ),
          inject: [KAFKA, DATA_SOURCE, DeliverCodeUseCase, LOGGER, FAULT_INJECTOR],
        },
        {
          provide: TENANT_CONSUMER,
          useFactory: (
            kafka: Kafka,
            ds: DataSource,
            record: RecordTenantNameUseCase,
            log: Logger,
            faults: FaultInjector,
          ): EventConsumer =>
            createTenantNamesConsumer(kafka, ds, config.DELIVERY_CONSUMER_GROUP, record, log, faults),
          inject: [KAFKA, DATA_SOURCE, RecordTenantNameUseCase, LOGGER, FAULT_INJECTOR],
        },
      ],
    };
  }
}
