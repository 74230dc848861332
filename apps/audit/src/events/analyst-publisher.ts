import { analystCloudEvent, CLOUD_EVENT_CONTENT_TYPE, EVENT_HEADERS, TOPICS } from '@portcullis/contracts';
import { type FaultInjector, PollingLoop } from '@portcullis/messaging';
import type { Logger } from '@portcullis/observability';
import { type Kafka, type Message, Partitioners, type Producer } from 'kafkajs';
import type { AuditEvent } from '../domain/audit-event';
import type { SqlAnalystFeed } from '../persistence/sql-analyst-feed';

export interface AnalystPublisherSettings {
  readonly pollIntervalMs: number;
  /** Records per round trip; kept under the broker's 1 MB record-batch limit. */
  readonly batchSize: number;
  readonly maxBackoffMs?: number;
}

/** The analysts' record of an audit event: CloudEvents JSON keyed so a user's events stay in order. */
export function analystMessage(e: AuditEvent): Message {
  return {
    key: e.userId ? `${e.tenantId}:${e.userId}` : e.tenantId,
    value: JSON.stringify(analystCloudEvent(e)),
    headers: { [EVENT_HEADERS.contentType]: CLOUD_EVENT_CONTENT_TYPE, [EVENT_HEADERS.id]: e.eventId },
  };
}

/**
 * Publishes the audit log to `portcullis.audit.v1` straight from the log: no second copy of each
 * record in an outbox. At-least-once: a crash between the send and the cursor update sends those
 * records again (consumers deduplicate by the CloudEvents `id`). While Kafka is down the records
 * simply wait, and the publisher retries with capped backoff.
 */
export class AnalystPublisher {
  private producer: Producer | undefined;
  private readonly loop: PollingLoop;

  constructor(
    private readonly feed: SqlAnalystFeed,
    private readonly kafka: Kafka,
    private readonly settings: AnalystPublisherSettings,
    private readonly logger: Logger,
    private readonly faults: FaultInjector,
  ) {
    this.loop = new PollingLoop(
      () => this.publishOnce(),
      {
        pollIntervalMs: settings.pollIntervalMs,
        fullBatch: settings.batchSize,
        maxBackoffMs: settings.maxBackoffMs,
      },
      async (error, attempt, retryInMs) => {
        this.logger.warn({ err: error, attempt, retryInMs }, 'analysts topic publish failed');
        await this.producer?.disconnect().catch(() => undefined);
        this.producer = undefined;
      },
    );
  }

  onApplicationBootstrap(): void {
    this.loop.start();
  }

  async onModuleDestroy(): Promise<void> {
    await this.loop.stop();
    await this.producer?.disconnect().catch(() => undefined);
    this.producer = undefined;
  }

  /** Publishes one batch now; for tests and the benchmark. */
  publishOnce(): Promise<number> {
    return this.feed.publishNext(this.settings.batchSize, async (events) => {
      const producer = await this.connectedProducer();
      await producer.send({ topic: TOPICS.auditAnalyst, acks: -1, messages: events.map(analystMessage) });
      this.faults.hit('relay.after-publish');
    });
  }

  private async connectedProducer(): Promise<Producer> {
    if (!this.producer) {
      const producer = this.kafka.producer({
        idempotent: true,
        maxInFlightRequests: 1,
        createPartitioner: Partitioners.DefaultPartitioner,
      });
      await producer.connect();
      this.producer = producer;
    }
    return this.producer;
  }
}
