import { Kafka, logLevel, type KafkaMessage } from 'kafkajs';
import { uniqueSuffix } from './environment';

export interface ReceivedMessage {
  readonly topic: string;
  readonly key: string | undefined;
  readonly value: Buffer | null;
  readonly headers: Record<string, string>;
}

const toHeaders = (m: KafkaMessage) =>
  Object.fromEntries(
    Object.entries(m.headers ?? {}).map(([k, v]) => [k, (Array.isArray(v) ? v[0] : v)?.toString() ?? '']),
  );

/** Reads topics from the beginning into memory, for assertions on what was published. */
export async function kafkaProbe(brokers: string[], topics: string[]) {
  const kafka = new Kafka({ brokers, clientId: 'test-probe', logLevel: logLevel.NOTHING });
  const consumer = kafka.consumer({ groupId: `test-probe-${uniqueSuffix()}` });
  const received: ReceivedMessage[] = [];
  // Subscribing to a topic that does not exist yet fails, so create the missing ones first.
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.createTopics({
      waitForLeaders: true,
      topics: topics.map((topic) => ({ topic, numPartitions: 1 })),
    });
  } finally {
    await admin.disconnect();
  }
  await consumer.connect();
  try {
    await consumer.subscribe({ topics, fromBeginning: true });
  } catch (error) {
    await consumer.disconnect();
    throw error;
  }
  await consumer.run({
    eachMessage: ({ topic, message }) => {
      received.push({
        topic,
        key: message.key?.toString(),
        value: message.value,
        headers: toHeaders(message),
      });
      return Promise.resolve();
    },
  });
  return {
    received,
    stop: () => consumer.disconnect(),
  };
}

/** Publishes raw messages (tests of consumers: duplicates, poison messages). */
export async function publishRaw(
  brokers: string[],
  topic: string,
  messages: { key?: string; value: Buffer | string | null; headers?: Record<string, string> }[],
): Promise<void> {
  const kafka = new Kafka({ brokers, clientId: 'test-publisher', logLevel: logLevel.NOTHING });
  const producer = kafka.producer({ allowAutoTopicCreation: true });
  await producer.connect();
  try {
    await producer.send({ topic, acks: -1, messages });
  } finally {
    await producer.disconnect();
  }
}
