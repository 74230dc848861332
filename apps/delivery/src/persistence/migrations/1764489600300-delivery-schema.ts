import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Messages (one row per code id: the at-most-once record), the send log behind the sliding-window
 * budgets, tenant policies and names, and raised fraud alerts.
 */
export class DeliverySchema1764489600300 implements MigrationInterface {
  name = 'DeliverySchema1764489600300';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE messages (
        code_id             uuid PRIMARY KEY,
        tenant_id           uuid NOT NULL,
        user_id             text NOT NULL,
        channel             text NOT NULL CHECK (channel IN ('sms', 'voice', 'email')),
        status              text NOT NULL,
        reason              text NOT NULL DEFAULT '',
        provider            text NOT NULL DEFAULT '',
        provider_message_id text NOT NULL DEFAULT '',
        destination_hint    text NOT NULL DEFAULT '',
        country             text NOT NULL DEFAULT '',
        attempts            integer NOT NULL DEFAULT 0,
        tried_providers     text[] NOT NULL DEFAULT '{}',
        last_error          text NOT NULL DEFAULT '',
        price               text NOT NULL DEFAULT '',
        price_unit          text NOT NULL DEFAULT '',
        created_at          timestamptz NOT NULL,
        updated_at          timestamptz NOT NULL
      )`);
    await queryRunner.query(
      `CREATE INDEX messages_provider_id_idx ON messages (provider, provider_message_id) WHERE provider_message_id <> ''`,
    );
    await queryRunner.query(`
      CREATE TABLE send_log (
        id        bigserial PRIMARY KEY,
        tenant_id uuid NOT NULL,
        scope     text NOT NULL,
        key       text NOT NULL,
        sent_at   timestamptz NOT NULL
      )`);
    await queryRunner.query(`CREATE INDEX send_log_window_idx ON send_log (scope, key, sent_at)`);
    await queryRunner.query(`
      CREATE TABLE delivery_policies (
        tenant_id  uuid PRIMARY KEY,
        policy     jsonb NOT NULL,
        updated_at timestamptz NOT NULL
      )`);
    await queryRunner.query(`
      CREATE TABLE tenant_names (
        tenant_id uuid PRIMARY KEY,
        name      text NOT NULL
      )`);
    await queryRunner.query(`
      CREATE TABLE fraud_alerts (
        tenant_id    uuid NOT NULL,
        scope        text NOT NULL,
        key          text NOT NULL,
        window_start timestamptz NOT NULL,
        count        integer NOT NULL,
        PRIMARY KEY (tenant_id, scope, key, window_start)
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of ['fraud_alerts', 'tenant_names', 'delivery_policies', 'send_log', 'messages']) {
      await queryRunner.query(`DROP TABLE ${table}`);
    }
  }
}
