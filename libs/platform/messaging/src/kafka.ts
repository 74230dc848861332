import { TOPIC_SETTINGS, type Topic } from '@portcullis/contracts';
import { ConfigResourceTypes, Kafka, logLevel, type LogEntry } from 'kafkajs';
import type { Logger, ReadinessCheck } from '@portcullis/observability';

export interface KafkaSettings {
  readonly brokers: readonly string[];
  readonly clientId: string;
  readonly logger: Logger;
}

const LEVELS: Record<number, 'error' | 'warn' | 'info' | 'debug'> = {
  [logLevel.ERROR]: 'error',
  [logLevel.WARN]: 'warn',
  [logLevel.INFO]: 'info',
  [logLevel.DEBUG]: 'debug',
};

/** A kafkajs client whose logs go through pino (and so through the redaction list). */
export function createKafka(settings: KafkaSettings): Kafka {
  const log = settings.logger.child({ component: 'kafkajs' });
  return new Kafka({
    clientId: settings.clientId,
    brokers: [...settings.brokers],
    connectionTimeout: 3000,
    requestTimeout: 10000,
    retry: { initialRetryTime: 200, retries: 5, maxRetryTime: 5000 },
    logLevel: logLevel.WARN,
    logCreator:
      () =>
      ({ level, log: entry }: LogEntry) => {
        const { message, ...rest } = entry;
        // Retries are bounded on purpose: the outbox relay retries whole batches itself, and
        // consumers drop the duplicates a retry may cause, so this warning is noise here.
        if (message.startsWith('Limiting retries for the idempotent producer')) return;
        // Broker answers such as "coordinator not available" or "group is rebalancing" are
        // retried by kafkajs itself: worth a warning, not an error.
        const severity =
          LEVELS[level] === 'error' && message.startsWith('Response ') ? 'warn' : (LEVELS[level] ?? 'info');
        log[severity]({ kafka: rest }, message);
      },
  });
}

/**
 * Ready while the cluster answers: a metadata request on a connection of its own, each round.
 * Its own client too: no retries (the next round is the retry) and no logs (a broker that is down
 * would log every round; readiness logs the change once).
 */
export function kafkaReadinessCheck(settings: Pick<KafkaSettings, 'brokers' | 'clientId'>): ReadinessCheck {
  const kafka = new Kafka({
    clientId: `${settings.clientId}-readiness`,
    brokers: [...settings.brokers],
    connectionTimeout: 3000,
    requestTimeout: 5000,
    retry: { retries: 0 },
    logLevel: logLevel.NOTHING,
  });
  return {
    name: 'kafka',
    async probe() {
      const admin = kafka.admin();
      try {
        await admin.connect();
        await admin.describeCluster();
      } finally {
        await admin.disconnect();
      }
    },
  };
}

/**
 * Creates the topics that do not exist yet and waits until every partition has a leader.
 * Idempotent and safe from several instances booting together: a broker that is still electing
 * leaders, or another instance creating the same topic, is retried with backoff.
 */
export async function ensureTopics(
  kafka: Kafka,
  topics: readonly string[],
  numPartitions = 3,
): Promise<void> {
  if (topics.length === 0) return;
  const admin = kafka.admin();
  await admin.connect();
  try {
    for (let attempt = 1; ; attempt += 1) {
      try {
        const existing = new Set(await admin.listTopics());
        const missing = topics.filter((t) => !existing.has(t));
        if (missing.length > 0) {
          await admin.createTopics({
            waitForLeaders: false,
            topics: missing.map((topic) => ({
              topic,
              numPartitions,
              replicationFactor: 1,
              configEntries: settingsOf(topic),
            })),
          });
        }
        const metadata = await admin.fetchTopicMetadata({ topics: [...topics] });
        const leaderless = metadata.topics.filter(
          (t) => t.partitions.length === 0 || t.partitions.some((p) => p.leader < 0),
        );
        if (leaderless.length === 0) {
          await applyTopicSettings(admin, topics);
          return;
        }
        throw new Error(`no leader yet for ${leaderless.map((t) => t.name).join(', ')}`);
      } catch (error) {
        if (attempt >= 20) throw error;
        await new Promise((resolve) => setTimeout(resolve, Math.min(2000, 100 * attempt)));
      }
    }
  } finally {
    await admin.disconnect();
  }
}

const settingsOf = (topic: string) =>
  Object.entries(TOPIC_SETTINGS[topic as Topic] ?? {}).map(([name, value]) => ({ name, value }));

/** Also for topics someone else created first (a consumer, a test probe): settings converge. */
async function applyTopicSettings(
  admin: ReturnType<Kafka['admin']>,
  topics: readonly string[],
): Promise<void> {
  const resources = topics
    .filter((topic) => settingsOf(topic).length > 0)
    .map((topic) => ({ type: ConfigResourceTypes.TOPIC, name: topic, configEntries: settingsOf(topic) }));
  if (resources.length > 0) await admin.alterConfigs({ validateOnly: false, resources });
}
