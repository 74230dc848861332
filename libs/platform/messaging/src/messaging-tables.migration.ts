import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The outbox (events waiting for Kafka, written in the same transaction as the state change)
 * and the inbox of processed event ids (consumer deduplication). Every service that emits or
 * consumes events includes this migration.
 */
export class MessagingTables1764316800000 implements MigrationInterface {
  name = 'MessagingTables1764316800000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE outbox_events (
        seq          bigserial PRIMARY KEY,
        id           uuid NOT NULL UNIQUE,
        topic        text NOT NULL,
        message_key  text NOT NULL,
        type         text NOT NULL,
        tenant_id    text NOT NULL,
        payload      bytea NOT NULL,
        headers      jsonb NOT NULL DEFAULT '{}'::jsonb,
        occurred_at  timestamptz NOT NULL,
        published_at timestamptz
      )`);
    await queryRunner.query(
      `CREATE INDEX outbox_events_unpublished_idx ON outbox_events (seq) WHERE published_at IS NULL`,
    );
    await queryRunner.query(`
      CREATE TABLE processed_events (
        consumer_group text NOT NULL,
        event_id       uuid NOT NULL,
        processed_at   timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (consumer_group, event_id)
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE processed_events');
    await queryRunner.query('DROP TABLE outbox_events');
  }
}
