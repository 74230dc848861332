import { KafkaContainer } from '@testcontainers/kafka';
import { PostgreSqlContainer } from '@testcontainers/postgresql';

/**
 * The Docker path (machines with a Docker engine): PostgreSQL 15 and Kafka 3.9 (Confluent Platform 7.9, which testcontainers' Kafka module drives) in KRaft
 * mode, the same versions the native runner uses. Containers are reaped by testcontainers' Ryuk.
 */
export async function startContainers(): Promise<{ databaseUrl: string; kafkaBrokers: string[] }> {
  const [pg, kafka] = await Promise.all([
    new PostgreSqlContainer('postgres:15').withUsername('postgres').withPassword('postgres').start(),
    new KafkaContainer('confluentinc/cp-kafka:7.9.0').withKraft().start(),
  ]);
  return {
    databaseUrl: `postgres://postgres:postgres@${pg.getHost()}:${pg.getMappedPort(5432)}/postgres`,
    kafkaBrokers: [`${kafka.getHost()}:${kafka.getMappedPort(9093)}`],
  };
}
