import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Per-user profiles (built from sign-in and factor events), the failure log behind the sliding
 * velocity windows, per-tenant counters, assessments (one per attempt), alerts with their
 * cool-down, and tenant policies.
 */
export class RiskSchema1764576000500 implements MigrationInterface {
  name = 'RiskSchema1764576000500';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE risk_profiles (
        tenant_id            uuid NOT NULL,
        user_id              text NOT NULL,
        devices              jsonb NOT NULL DEFAULT '{}',
        countries            jsonb NOT NULL DEFAULT '{}',
        asns                 jsonb NOT NULL DEFAULT '{}',
        hours                integer[] NOT NULL DEFAULT array_fill(0, ARRAY[24]),
        sign_ins             integer NOT NULL DEFAULT 0,
        last_sign_in_at      timestamptz,
        last_latitude        double precision,
        last_longitude       double precision,
        last_accuracy_km     integer,
        last_country         text,
        last_recovery_at     timestamptz,
        updated_at           timestamptz NOT NULL,
        PRIMARY KEY (tenant_id, user_id)
      )`);
    await queryRunner.query(`CREATE INDEX risk_profiles_updated_idx ON risk_profiles (updated_at)`);
    await queryRunner.query(`
      CREATE TABLE risk_failures (
        tenant_id  uuid NOT NULL,
        attempt_id text NOT NULL,
        kind       text NOT NULL CHECK (kind IN ('password', 'factor', 'unknown_user', 'locked')),
        user_id    text,
        ip         inet,
        subnet     cidr,
        at         timestamptz NOT NULL,
        PRIMARY KEY (tenant_id, attempt_id, kind)
      )`);
    await queryRunner.query(`CREATE INDEX risk_failures_ip_idx ON risk_failures (tenant_id, ip, at)`);
    await queryRunner.query(`CREATE INDEX risk_failures_subnet_idx ON risk_failures (tenant_id, subnet, at)`);
    await queryRunner.query(`CREATE INDEX risk_failures_user_idx ON risk_failures (tenant_id, user_id, at)`);
    await queryRunner.query(`CREATE INDEX risk_failures_at_idx ON risk_failures (at)`);
    await queryRunner.query(`
      CREATE TABLE risk_counters (
        tenant_id uuid NOT NULL,
        counter   text NOT NULL,
        bucket    timestamptz NOT NULL,
        count     integer NOT NULL,
        PRIMARY KEY (tenant_id, counter, bucket)
      )`);
    await queryRunner.query(`
      CREATE TABLE risk_assessments (
        tenant_id  uuid NOT NULL,
        attempt_id text NOT NULL,
        user_id    text,
        score      integer NOT NULL,
        decision   text NOT NULL,
        at         timestamptz NOT NULL,
        PRIMARY KEY (tenant_id, attempt_id)
      )`);
    await queryRunner.query(`CREATE INDEX risk_assessments_at_idx ON risk_assessments (at)`);
    await queryRunner.query(`
      CREATE TABLE risk_alerts (
        tenant_id      uuid NOT NULL,
        kind           text NOT NULL,
        subject        text NOT NULL,
        alert_id       uuid NOT NULL,
        raised_at      timestamptz NOT NULL,
        quiet_until    timestamptz NOT NULL,
        times_raised   integer NOT NULL DEFAULT 1,
        PRIMARY KEY (tenant_id, kind, subject)
      )`);
    await queryRunner.query(`
      CREATE TABLE risk_policies (
        tenant_id  uuid PRIMARY KEY,
        policy     jsonb NOT NULL,
        updated_at timestamptz NOT NULL
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of [
      'risk_policies',
      'risk_alerts',
      'risk_assessments',
      'risk_counters',
      'risk_failures',
      'risk_profiles',
    ]) {
      await queryRunner.query(`DROP TABLE ${table}`);
    }
  }
}
