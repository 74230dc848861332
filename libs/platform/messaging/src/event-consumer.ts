import {
  deadLetterTopicOf,
  decodeEventPayload,
  EVENT_HEADERS,
  type EventType,
  isEventType,
} from '@portcullis/contracts';
import type { Meter } from '@opentelemetry/api';
import {
  inTraceOf,
  type Logger,
  meterOf,
  withBatchConsumerSpan,
  withConsumerSpan,
} from '@portcullis/observability';
import { isTransientDatabaseError } from '@portcullis/persistence';
import { type Consumer, type Kafka, type KafkaMessage, Partitioners, type Producer } from 'kafkajs';
import type { DataSource, EntityManager } from 'typeorm';
import { ConsumerLag } from './consumer-lag';
import { type FaultInjector, NO_FAULTS } from './fault-points';
import { ensureTopics } from './kafka';

/** One event as a consumer sees it: envelope from the headers, payload still encoded. */
export interface ConsumedEvent {
  readonly id: string;
  readonly type: EventType;
  readonly tenantId: string;
  readonly occurredAt: Date;
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  readonly key: string | undefined;
  readonly payload: Buffer;
  readonly headers: Readonly<Record<string, string>>;
}

/** Handles one event inside the transaction that also records its id as processed. */
export type EventHandler = (event: ConsumedEvent, manager: EntityManager) => Promise<void>;

/**
 * Handles many events inside one transaction that also records their ids as processed; it is
 * given only events not processed before, each once, in partition order.
 */
export type BatchEventHandler = (events: readonly ConsumedEvent[], manager: EntityManager) => Promise<void>;

export interface EventConsumerSettings {
  readonly groupId: string;
  readonly topics: readonly string[];
  /** Event types this consumer handles; others are skipped. */
  readonly accepts: (type: EventType) => boolean;
  readonly handler: EventHandler;
  /**
   * When set, a fetched batch is applied in chunks of up to `maxBatchSize` events per transaction
   * (throughput); a chunk that fails is retried one event at a time through `handler`, so one bad
   * event is isolated, retried and parked exactly as without batching.
   */
  readonly batchHandler?: BatchEventHandler;
  readonly maxBatchSize?: number;
  /**
   * Splits each chunk into `count` lanes by `keyOf` (e.g. the tenant), applied side by side, each
   * in its own transaction: a batch handler that locks per key (audit's chains) then never waits
   * on itself. Events of one key stay in one lane, in order. A lane that fails is retried one
   * event at a time; the lanes that committed stay committed (their ids are processed).
   */
  readonly batchLanes?: { readonly count: number; readonly keyOf: (event: ConsumedEvent) => string };
  /** Partitions consumed side by side (default 3). */
  readonly partitionsConsumedConcurrently?: number;
  readonly maxAttempts?: number;
  readonly initialBackoffMs?: number;
  readonly fromBeginning?: boolean;
}

/** Thrown for messages that can never be processed; they go straight to the dead-letter topic. */
export class PoisonMessageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PoisonMessageError';
  }
}

/** FNV-1a over the key's UTF-16 units: a cheap, stable spread of keys over lanes. */
function laneIndex(key: string, count: number): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < key.length; i += 1) hash = Math.imul(hash ^ key.charCodeAt(i), 0x01000193);
  return (hash >>> 0) % count;
}

function headerMap(message: KafkaMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(message.headers ?? {})) {
    if (value === undefined) continue;
    const first = Array.isArray(value) ? value[0] : value;
    if (first !== undefined) out[key] = first.toString();
  }
  return out;
}

/**
 * A Kafka consumer that applies each event at most once: the handler's writes and the event id
 * (processed_events) commit in one transaction, so a redelivery after a crash is recognised and
 * skipped. Failing handlers are retried with exponential backoff; a message that still fails, or
 * cannot be decoded at all, is parked on the group's dead-letter topic with the reason. Database
 * outages are not the message's fault: they stop the batch so it is redelivered later.
 */
export class EventConsumer {
  private consumer: Consumer | undefined;
  private dlqProducer: Producer | undefined;
  private lag: ConsumerLag | undefined;

  constructor(
    private readonly kafka: Kafka,
    private readonly dataSource: DataSource,
    private readonly settings: EventConsumerSettings,
    private readonly logger: Logger,
    private readonly faults: FaultInjector = NO_FAULTS,
    private readonly meter: Meter = meterOf('@portcullis/messaging'),
  ) {}

  async start(): Promise<void> {
    const consumer = this.kafka.consumer({
      groupId: this.settings.groupId,
      sessionTimeout: 10000,
      heartbeatInterval: 1000,
      retry: { initialRetryTime: 300, retries: 8 },
    });
    // A consumer may start before any producer of its topics (a fresh broker): subscribing to a
    // topic that does not exist fails, so the source topics are ensured first.
    await ensureTopics(this.kafka, this.settings.topics);
    // Dead-letter topics exist before the first poison message, so operators can subscribe early.
    await ensureTopics(
      this.kafka,
      this.settings.topics.map((topic) => deadLetterTopicOf(topic, this.settings.groupId)),
      1,
    );
    this.dlqProducer = this.kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      createPartitioner: Partitioners.DefaultPartitioner,
    });
    await this.dlqProducer.connect();
    // One per consumer for its whole life: a restart keeps reporting the same series.
    const lag = (this.lag ??= new ConsumerLag(this.meter, this.settings.groupId));
    consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => lag.retain(payload.memberAssignment));
    await consumer.connect();
    await consumer.subscribe({
      topics: [...this.settings.topics],
      fromBeginning: this.settings.fromBeginning ?? true,
    });
    await consumer.run({
      // Partitions (and topics) are consumed side by side, each still in order: a slow or retried
      // message on one partition does not hold up the others.
      partitionsConsumedConcurrently: this.settings.partitionsConsumedConcurrently ?? 3,
      autoCommit: true,
      autoCommitInterval: 500,
      autoCommitThreshold: 100,
      eachBatchAutoResolve: false,
      // kafkajs hands these callbacks over as closures and documents destructuring them.
      /* eslint-disable @typescript-eslint/unbound-method */
      eachBatch: async ({
        batch,
        resolveOffset,
        heartbeat,
        commitOffsetsIfNecessary,
        isRunning,
        isStale,
      }) => {
        /* eslint-enable @typescript-eslint/unbound-method */
        // Lag from what the batch says (no broker round trip): all of it to do, then less as
        // each message (or chunk) is resolved.
        const handled = (offset: string) =>
          lag.record(batch.topic, batch.partition, batch.highWatermark, String(Number(offset) + 1));
        const first = batch.messages[0];
        if (first) lag.record(batch.topic, batch.partition, batch.highWatermark, first.offset);
        if (this.settings.batchHandler) {
          const size = this.settings.maxBatchSize ?? 500;
          for (let start = 0; start < batch.messages.length; start += size) {
            if (!isRunning() || isStale()) break;
            const chunk = batch.messages.slice(start, start + size);
            await this.processChunk(batch.topic, batch.partition, chunk, heartbeat);
            const last = chunk[chunk.length - 1];
            if (last) {
              resolveOffset(last.offset);
              handled(last.offset);
            }
            await commitOffsetsIfNecessary();
            await heartbeat();
          }
          return;
        }
        for (const message of batch.messages) {
          if (!isRunning() || isStale()) break;
          await this.process(batch.topic, batch.partition, message, heartbeat);
          resolveOffset(message.offset);
          handled(message.offset);
          await commitOffsetsIfNecessary();
          await heartbeat();
        }
      },
    });
    this.consumer = consumer;
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.start();
  }

  async onModuleDestroy(): Promise<void> {
    await this.stop();
  }

  async stop(): Promise<void> {
    // disconnect() lets the in-flight batch finish and commits the resolved offsets.
    await this.consumer?.disconnect();
    this.consumer = undefined;
    this.lag?.reset();
    await this.dlqProducer?.disconnect();
    this.dlqProducer = undefined;
  }

  /** Envelopes and applies a chunk in one transaction; on failure, one event at a time. */
  private async processChunk(
    topic: string,
    partition: number,
    messages: readonly KafkaMessage[],
    heartbeat: () => Promise<void>,
  ): Promise<void> {
    const accepted: { event: ConsumedEvent; message: KafkaMessage }[] = [];
    for (const message of messages) {
      const headers = headerMap(message);
      try {
        const event = this.envelope(topic, partition, message, headers);
        if (this.settings.accepts(event.type)) accepted.push({ event, message });
      } catch (error) {
        await this.deadLetter(topic, message, headers, error as Error);
      }
    }
    if (accepted.length === 0) return;
    const lanes = this.lanes(accepted);
    const outcomes = await Promise.allSettled(
      lanes.map((lane) =>
        withBatchConsumerSpan(
          'messaging',
          `${this.settings.groupId}.consume batch`,
          lane.map((a) => a.event.headers),
          {
            'messaging.system': 'kafka',
            'messaging.destination.name': topic,
            'messaging.batch.message_count': String(lane.length),
          },
          () => this.applyBatchOnce(lane.map((a) => a.event)),
        ),
      ),
    );
    const failures = outcomes.flatMap((o, i) =>
      o.status === 'rejected' ? [{ error: o.reason as unknown, lane: i }] : [],
    );
    const transient = failures.find((f) => isTransientDatabaseError(f.error));
    if (transient) throw transient.error;
    for (const { error, lane } of failures) {
      this.logger.warn(
        { err: error, events: lanes[lane]?.length },
        'event batch failed, applying its events one at a time',
      );
      for (const { event, message } of lanes[lane] ?? []) {
        await this.processEvent(topic, event, message, heartbeat);
      }
    }
    if (failures.length === 0) this.faults.hit('consumer.after-handle');
  }

  /** The chunk as lanes of events that share no lane key; one lane without batchLanes. */
  private lanes<T extends { event: ConsumedEvent }>(accepted: T[]): T[][] {
    const setting = this.settings.batchLanes;
    if (!setting || setting.count <= 1) return [accepted];
    const lanes: T[][] = Array.from({ length: setting.count }, () => []);
    for (const item of accepted) lanes[laneIndex(setting.keyOf(item.event), setting.count)]?.push(item);
    return lanes.filter((lane) => lane.length > 0);
  }

  private async applyBatchOnce(events: readonly ConsumedEvent[]): Promise<void> {
    const batchHandler = this.settings.batchHandler;
    if (!batchHandler) throw new Error('no batch handler');
    const applied = await this.dataSource.transaction(async (manager) => {
      const inserted: { event_id: string }[] = await manager.query(
        `INSERT INTO processed_events (consumer_group, event_id)
         SELECT $1, id FROM unnest($2::uuid[]) AS id
         ON CONFLICT DO NOTHING RETURNING event_id`,
        [this.settings.groupId, events.map((e) => e.id)],
      );
      const fresh = new Set(inserted.map((r) => r.event_id.toLowerCase()));
      // The first copy of each new id, in partition order; later copies are duplicates.
      const apply = events.filter((e) => fresh.delete(e.id.toLowerCase()));
      if (apply.length < events.length) {
        this.logger.debug({ skipped: events.length - apply.length }, 'duplicate events skipped');
      }
      if (apply.length > 0) await batchHandler(apply, manager);
      return apply;
    });
    // One line per event once committed, each in its producer's trace, so logs follow a request.
    for (const e of applied) {
      inTraceOf(e.headers, () => this.logger.debug({ eventId: e.id, eventType: e.type }, 'event applied'));
    }
  }

  private async process(
    topic: string,
    partition: number,
    message: KafkaMessage,
    heartbeat: () => Promise<void>,
  ): Promise<void> {
    const headers = headerMap(message);
    let event: ConsumedEvent;
    try {
      event = this.envelope(topic, partition, message, headers);
    } catch (error) {
      await this.deadLetter(topic, message, headers, error as Error);
      return;
    }
    if (!this.settings.accepts(event.type)) return;
    await this.processEvent(topic, event, message, heartbeat);
  }

  /** Applies one event with retries; parks it when it keeps failing. */
  private async processEvent(
    topic: string,
    event: ConsumedEvent,
    message: KafkaMessage,
    heartbeat: () => Promise<void>,
  ): Promise<void> {
    const headers = event.headers as Record<string, string>;
    const maxAttempts = this.settings.maxAttempts ?? 5;
    for (let attempt = 1; ; attempt += 1) {
      try {
        await withConsumerSpan(
          'messaging',
          `${this.settings.groupId}.consume ${event.type}`,
          headers,
          {
            'messaging.system': 'kafka',
            'messaging.destination.name': topic,
            'messaging.message.id': event.id,
          },
          () => this.applyOnce(event),
        );
        this.faults.hit('consumer.after-handle');
        return;
      } catch (error) {
        if (isTransientDatabaseError(error)) throw error; // redeliver once the database is back
        const poison = error instanceof PoisonMessageError;
        if (poison || attempt >= maxAttempts) {
          await this.deadLetter(topic, message, headers, error as Error);
          return;
        }
        const delay = (this.settings.initialBackoffMs ?? 100) * 2 ** (attempt - 1);
        this.logger.warn(
          { err: error, eventId: event.id, eventType: event.type, attempt, retryInMs: delay },
          'event handler failed, retrying',
        );
        await new Promise((resolve) => setTimeout(resolve, delay));
        await heartbeat();
      }
    }
  }

  private async applyOnce(event: ConsumedEvent): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      const inserted: unknown[] = await manager.query(
        `INSERT INTO processed_events (consumer_group, event_id) VALUES ($1, $2)
         ON CONFLICT DO NOTHING RETURNING event_id`,
        [this.settings.groupId, event.id],
      );
      if (inserted.length === 0) {
        this.logger.debug({ eventId: event.id }, 'duplicate event skipped');
        return;
      }
      await this.settings.handler(event, manager);
      this.logger.debug({ eventId: event.id, eventType: event.type }, 'event applied');
    });
  }

  private envelope(
    topic: string,
    partition: number,
    message: KafkaMessage,
    headers: Record<string, string>,
  ): ConsumedEvent {
    const id = headers[EVENT_HEADERS.id];
    const type = headers[EVENT_HEADERS.type];
    const tenantId = headers[EVENT_HEADERS.tenantId];
    const occurredAt = new Date(headers[EVENT_HEADERS.occurredAt] ?? '');
    if (!id || !/^[0-9a-f-]{36}$/i.test(id))
      throw new PoisonMessageError('missing or malformed event-id header');
    if (!type || !isEventType(type))
      throw new PoisonMessageError(`unknown event type ${JSON.stringify(type ?? null)}`);
    if (!tenantId) throw new PoisonMessageError('missing tenant-id header');
    if (Number.isNaN(occurredAt.getTime()))
      throw new PoisonMessageError('missing or malformed occurred-at header');
    if (!message.value) throw new PoisonMessageError('empty payload');
    // A payload that does not decode as its type's message never will: no retries.
    try {
      decodeEventPayload(type, message.value);
    } catch (error) {
      throw new PoisonMessageError(
        `payload is not a ${type} message: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
    return {
      id,
      type,
      tenantId,
      occurredAt,
      topic,
      partition,
      offset: message.offset,
      key: message.key?.toString(),
      payload: message.value,
      headers,
    };
  }

  private async deadLetter(
    topic: string,
    message: KafkaMessage,
    headers: Record<string, string>,
    error: Error,
  ): Promise<void> {
    const dlq = deadLetterTopicOf(topic, this.settings.groupId);
    this.logger.error(
      {
        eventId: headers[EVENT_HEADERS.id],
        eventType: headers[EVENT_HEADERS.type],
        dlq,
        reason: error.message,
      },
      'event parked on the dead-letter topic',
    );
    await this.dlqProducer?.send({
      topic: dlq,
      acks: -1,
      messages: [
        {
          key: message.key,
          value: message.value,
          headers: {
            ...headers,
            'dlq-reason': error.message.slice(0, 500),
            'dlq-source-topic': topic,
            'dlq-source-offset': message.offset,
            'dlq-consumer-group': this.settings.groupId,
          },
        },
      ],
    });
  }
}
