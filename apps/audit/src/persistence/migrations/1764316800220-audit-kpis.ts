import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The MFA KPIs as aggregates the ingest path updates in the batch's transaction (never a scan of
 * audit_events): counters, spend and a time-to-verify histogram per tenant and UTC day, a little
 * state per user, factor and open challenge, and each tenant's KPI settings.
 */
export class AuditKpis1764316800220 implements MigrationInterface {
  name = 'AuditKpis1764316800220';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE kpi_daily_counts (
        tenant_id text   NOT NULL,
        day       date   NOT NULL,
        metric    text   NOT NULL,
        dim1      text   NOT NULL DEFAULT '',
        dim2      text   NOT NULL DEFAULT '',
        value     bigint NOT NULL,
        PRIMARY KEY (tenant_id, day, metric, dim1, dim2)
      )`);
    await queryRunner.query(`
      CREATE TABLE kpi_daily_spend (
        tenant_id text    NOT NULL,
        day       date    NOT NULL,
        channel   text    NOT NULL,
        currency  text    NOT NULL,
        amount    numeric NOT NULL CHECK (amount >= 0),
        PRIMARY KEY (tenant_id, day, channel, currency)
      )`);
    await queryRunner.query(`
      CREATE TABLE kpi_verify_histogram (
        tenant_id   text     NOT NULL,
        day         date     NOT NULL,
        factor_type text     NOT NULL,
        bucket      smallint NOT NULL CHECK (bucket >= 0),
        count       bigint   NOT NULL,
        PRIMARY KEY (tenant_id, day, factor_type, bucket)
      )`);
    // Authentication challenges started and not yet verified; a verification whose start has not
    // been recorded yet (a passwordless start has another Kafka key) leaves a verified marker.
    await queryRunner.query(`
      CREATE TABLE kpi_open_challenges (
        tenant_id    text        NOT NULL,
        challenge_id text        NOT NULL,
        factor_type  text        NOT NULL,
        started_day  date,
        expire_at    timestamptz,
        verified     boolean     NOT NULL DEFAULT false,
        PRIMARY KEY (tenant_id, challenge_id)
      )`);
    await queryRunner.query(
      'CREATE INDEX kpi_open_challenges_started_idx ON kpi_open_challenges (tenant_id, started_day) WHERE NOT verified',
    );
    await queryRunner.query(`
      CREATE TABLE kpi_users (
        tenant_id   text NOT NULL,
        user_id     text NOT NULL,
        created_at  timestamptz,
        disabled_at timestamptz,
        PRIMARY KEY (tenant_id, user_id)
      )`);
    await queryRunner.query(`
      CREATE TABLE kpi_factors (
        tenant_id   text NOT NULL,
        factor_id   text NOT NULL,
        user_id     text NOT NULL,
        factor_type text NOT NULL,
        enrolled_at timestamptz,
        removed_at  timestamptz,
        PRIMARY KEY (tenant_id, factor_id)
      )`);
    await queryRunner.query('CREATE INDEX kpi_factors_user_idx ON kpi_factors (tenant_id, user_id)');
    await queryRunner.query(`
      CREATE TABLE kpi_settings (
        tenant_id               text          PRIMARY KEY,
        loss_value_per_takeover numeric(22,4) NOT NULL CHECK (loss_value_per_takeover >= 0),
        currency                text          NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
        updated_at              timestamptz   NOT NULL DEFAULT now()
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `DROP TABLE kpi_settings, kpi_factors, kpi_users, kpi_open_challenges, kpi_verify_histogram,
         kpi_daily_spend, kpi_daily_counts`,
    );
  }
}
