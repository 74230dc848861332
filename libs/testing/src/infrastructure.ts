// Jest runs global setup outside its module registry, so path aliases do not resolve there: the
// local stack is imported through its entry point by relative path.

// eslint-disable-next-line @nx/enforce-module-boundaries
import { ensureKafka, ensurePostgres } from '../../../deploy/local/src';

/**
 * PostgreSQL and Kafka for tests and benchmarks: from DATABASE_URL and KAFKA_BROKERS, or started
 * natively (the same code as `npm start`). Where a Docker engine exists and
 * PORTCULLIS_TESTCONTAINERS=1, testcontainers starts them instead. Sets both variables.
 */
export async function ensureTestInfrastructure(
  log: (message: string) => void = (m) => process.stderr.write(`[infrastructure] ${m}\n`),
): Promise<{ databaseUrl: string; kafkaBrokers: string[] }> {
  if (
    process.env['PORTCULLIS_TESTCONTAINERS'] === '1' &&
    !process.env['DATABASE_URL'] &&
    !process.env['KAFKA_BROKERS']
  ) {
    const { startContainers } = await import('./containers');
    const started = await startContainers();
    process.env['DATABASE_URL'] = started.databaseUrl;
    process.env['KAFKA_BROKERS'] = started.kafkaBrokers.join(',');
    log(`testcontainers: ${started.databaseUrl} ${started.kafkaBrokers.join(',')}`);
    return started;
  }
  const pg = await ensurePostgres(process.env, log);
  const kafka = await ensureKafka(process.env, log);
  process.env['DATABASE_URL'] = pg.url;
  process.env['KAFKA_BROKERS'] = kafka.brokers.join(',');
  log(`PostgreSQL ${pg.source}, Kafka ${kafka.brokers.join(',')} (${kafka.source})`);
  return { databaseUrl: pg.url, kafkaBrokers: kafka.brokers };
}
