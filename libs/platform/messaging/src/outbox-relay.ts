import type { Meter } from '@opentelemetry/api';
import { type Logger, meterOf } from '@portcullis/observability';
import { type Kafka, type Message, Partitioners, type Producer } from 'kafkajs';
import { Client } from 'pg';
import type { DataSource } from 'typeorm';
import { type FaultInjector, NO_FAULTS } from './fault-points';
import { observeOutboxBacklog, readOutboxBacklog } from './outbox-metrics';
import { OUTBOX_CHANNEL } from './outbox-writer';
import { PollingLoop } from './polling-loop';

export interface OutboxRelaySettings {
  readonly pollIntervalMs: number;
  readonly batchSize?: number;
  /** Connection string used for LISTEN (wake-ups on commit); polling alone works without it. */
  readonly listenUrl?: string;
  readonly maxBackoffMs?: number;
}

interface OutboxRow {
  seq: string;
  id: string;
  topic: string;
  message_key: string;
  payload: Buffer;
  headers: Record<string, string>;
}

/**
 * Publishes committed outbox rows to Kafka with an idempotent producer, then marks them.
 * At-least-once: a crash between publish and mark republishes the rows, and consumers drop the
 * duplicates by event id. Rows are locked with SKIP LOCKED, so several instances share the work;
 * while Kafka is down rows simply wait, and the relay retries with capped backoff.
 */
export class OutboxRelay {
  private producer: Producer | undefined;
  private listener: Client | undefined;
  private readonly loop: PollingLoop;
  private started = false;
  private stopObserving: (() => void) | undefined;

  constructor(
    private readonly dataSource: DataSource,
    private readonly kafka: Kafka,
    private readonly settings: OutboxRelaySettings,
    private readonly logger: Logger,
    private readonly faults: FaultInjector = NO_FAULTS,
    private readonly meter: Meter = meterOf('@portcullis/messaging'),
  ) {
    this.loop = new PollingLoop(
      () => this.publishBatch(),
      {
        pollIntervalMs: settings.pollIntervalMs,
        fullBatch: settings.batchSize ?? 500,
        maxBackoffMs: settings.maxBackoffMs,
      },
      async (error, attempt, retryInMs) => {
        this.logger.warn({ err: error, attempt, retryInMs }, 'outbox relay could not publish');
        await this.producer?.disconnect().catch(() => undefined);
        this.producer = undefined;
      },
    );
  }

  start(): void {
    if (this.started) return;
    this.started = true;
    this.stopObserving = observeOutboxBacklog(this.meter, () => readOutboxBacklog(this.dataSource));
    void this.listen();
    this.loop.start();
  }

  onApplicationBootstrap(): void {
    this.start();
  }

  async onModuleDestroy(): Promise<void> {
    await this.stop();
  }

  async stop(): Promise<void> {
    this.started = false;
    this.stopObserving?.();
    this.stopObserving = undefined;
    await this.loop.stop();
    await this.listener?.end().catch(() => undefined);
    this.listener = undefined;
    await this.producer?.disconnect().catch(() => undefined);
    this.producer = undefined;
  }

  private async publishBatch(): Promise<number> {
    return this.dataSource.transaction(async (manager) => {
      const rows: OutboxRow[] = await manager.query(
        `SELECT seq, id, topic, message_key, payload, headers FROM outbox_events
         WHERE published_at IS NULL ORDER BY seq LIMIT $1 FOR UPDATE SKIP LOCKED`,
        [this.settings.batchSize ?? 500],
      );
      if (rows.length === 0) return 0;
      const producer = await this.connectedProducer();
      const byTopic = new Map<string, Message[]>();
      for (const row of rows) {
        const messages = byTopic.get(row.topic) ?? [];
        messages.push({ key: row.message_key, value: row.payload, headers: row.headers });
        byTopic.set(row.topic, messages);
      }
      await producer.sendBatch({
        acks: -1,
        topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })),
      });
      this.faults.hit('relay.after-publish');
      await manager.query('UPDATE outbox_events SET published_at = now() WHERE seq = ANY($1::bigint[])', [
        rows.map((r) => r.seq),
      ]);
      return rows.length;
    });
  }

  private async connectedProducer(): Promise<Producer> {
    if (!this.producer) {
      const producer = this.kafka.producer({
        idempotent: true,
        maxInFlightRequests: 1,
        createPartitioner: Partitioners.DefaultPartitioner,
        allowAutoTopicCreation: true,
      });
      await producer.connect();
      this.producer = producer;
    }
    return this.producer;
  }

  private async listen(): Promise<void> {
    if (!this.settings.listenUrl) return;
    try {
      const client = new Client({ connectionString: this.settings.listenUrl });
      client.on('error', () => {
        // Polling continues; a lost LISTEN connection only costs latency.
        this.listener = undefined;
      });
      await client.connect();
      client.on('notification', () => this.loop.wake());
      await client.query(`LISTEN ${OUTBOX_CHANNEL}`);
      this.listener = client;
    } catch (error) {
      this.logger.warn({ err: error }, 'outbox relay falls back to polling only');
    }
  }
}
