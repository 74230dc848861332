import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The hash-chained, time-partitioned audit log. Records are partitioned by day of recording, so
 * retention drops whole partitions; each tenant's chain head and, after retention, the last
 * dropped link are kept apart so a verification knows where the chain must end and resume.
 * The first, unchained table is kept as `audit_events_v0` (never rewritten: it is audit data).
 */
export class AuditChain1764316800210 implements MigrationInterface {
  name = 'AuditChain1764316800210';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE audit_events RENAME TO audit_events_v0');
    await queryRunner.query(
      'ALTER INDEX audit_events_tenant_seq_idx RENAME TO audit_events_v0_tenant_seq_idx',
    );
    await queryRunner.query(
      'ALTER INDEX audit_events_tenant_user_seq_idx RENAME TO audit_events_v0_tenant_user_seq_idx',
    );
    await queryRunner.query(`
      CREATE TABLE audit_events (
        tenant_id     text NOT NULL,
        sequence      bigint NOT NULL,
        event_id      uuid NOT NULL,
        type          text NOT NULL,
        user_id       text,
        source        text NOT NULL,
        outcome       text NOT NULL,
        occurred_at   timestamptz NOT NULL,
        recorded_at   timestamptz NOT NULL,
        data          jsonb NOT NULL,
        traceparent   text,
        previous_hash text NOT NULL,
        hash          text NOT NULL,
        PRIMARY KEY (tenant_id, sequence, recorded_at)
      ) PARTITION BY RANGE (recorded_at)`);
    await queryRunner.query(
      'CREATE INDEX audit_events_user_idx ON audit_events (tenant_id, user_id, sequence)',
    );
    await queryRunner.query(
      'CREATE INDEX audit_events_occurred_idx ON audit_events (tenant_id, occurred_at)',
    );
    await queryRunner.query(`
      CREATE FUNCTION audit_events_append_only_row() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'audit_events is append-only' USING ERRCODE = 'insufficient_privilege';
      END $$`);
    // Row triggers on the partitioned table are cloned onto every partition, present and future.
    await queryRunner.query(`
      CREATE TRIGGER audit_events_no_update_delete BEFORE UPDATE OR DELETE ON audit_events
      FOR EACH ROW EXECUTE FUNCTION audit_events_append_only_row()`);
    await queryRunner.query(`
      CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
      FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only()`);
    await queryRunner.query('CREATE TABLE audit_events_default PARTITION OF audit_events DEFAULT');
    await queryRunner.query(`
      CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events_default
      FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only()`);
    // One day's partition, with its own TRUNCATE guard (statement triggers are not cloned).
    await queryRunner.query(`
      CREATE FUNCTION audit_ensure_partition(day date) RETURNS boolean LANGUAGE plpgsql AS $$
      DECLARE
        name text := 'audit_events_p' || to_char(day, 'YYYYMMDD');
      BEGIN
        IF to_regclass(name) IS NOT NULL THEN RETURN false; END IF;
        EXECUTE format(
          'CREATE TABLE %I PARTITION OF audit_events FOR VALUES FROM (%L) TO (%L)',
          name, day::timestamp AT TIME ZONE 'UTC', (day + 1)::timestamp AT TIME ZONE 'UTC');
        EXECUTE format(
          'CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON %I
           FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only()', name);
        RETURN true;
      END $$`);
    await queryRunner.query(`
      SELECT audit_ensure_partition((now() AT TIME ZONE 'UTC')::date + d) FROM generate_series(-1, 2) AS d`);
    await queryRunner.query(`
      CREATE TABLE audit_chain_heads (
        tenant_id   text PRIMARY KEY,
        sequence    bigint NOT NULL,
        hash        text NOT NULL,
        recorded_at timestamptz NOT NULL
      )`);
    await queryRunner.query(`
      CREATE TABLE audit_chain_checkpoints (
        tenant_id  text PRIMARY KEY,
        sequence   bigint NOT NULL,
        hash       text NOT NULL,
        dropped_at timestamptz NOT NULL
      )`);
    await queryRunner.query(`
      CREATE TABLE audit_client_ips (
        event_id    uuid PRIMARY KEY,
        tenant_id   text NOT NULL,
        client_ip   text NOT NULL,
        recorded_at timestamptz NOT NULL
      )`);
    await queryRunner.query('CREATE INDEX audit_client_ips_recorded_idx ON audit_client_ips (recorded_at)');
    await queryRunner.query('CREATE INDEX processed_events_processed_idx ON processed_events (processed_at)');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP INDEX processed_events_processed_idx');
    await queryRunner.query('DROP TABLE audit_client_ips, audit_chain_checkpoints, audit_chain_heads');
    await queryRunner.query('DROP TABLE audit_events');
    await queryRunner.query('DROP FUNCTION audit_ensure_partition(date)');
    await queryRunner.query('DROP FUNCTION audit_events_append_only_row()');
    await queryRunner.query('ALTER TABLE audit_events_v0 RENAME TO audit_events');
    await queryRunner.query(
      'ALTER INDEX audit_events_v0_tenant_seq_idx RENAME TO audit_events_tenant_seq_idx',
    );
    await queryRunner.query(
      'ALTER INDEX audit_events_v0_tenant_user_seq_idx RENAME TO audit_events_tenant_user_seq_idx',
    );
  }
}
