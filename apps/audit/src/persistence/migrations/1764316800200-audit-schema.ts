import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Append-only audit log: updates and deletes are refused by the database itself. */
export class AuditSchema1764316800200 implements MigrationInterface {
  name = 'AuditSchema1764316800200';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE audit_events (
        sequence    bigserial PRIMARY KEY,
        event_id    uuid NOT NULL UNIQUE,
        tenant_id   text NOT NULL,
        type        text NOT NULL,
        user_id     text,
        source      text NOT NULL,
        occurred_at timestamptz NOT NULL,
        recorded_at timestamptz NOT NULL DEFAULT now(),
        data        jsonb NOT NULL
      )`);
    await queryRunner.query('CREATE INDEX audit_events_tenant_seq_idx ON audit_events (tenant_id, sequence)');
    await queryRunner.query(
      'CREATE INDEX audit_events_tenant_user_seq_idx ON audit_events (tenant_id, user_id, sequence)',
    );
    await queryRunner.query(`
      CREATE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'audit_events is append-only' USING ERRCODE = 'insufficient_privilege';
      END $$`);
    await queryRunner.query(`
      CREATE TRIGGER audit_events_no_update_delete BEFORE UPDATE OR DELETE OR TRUNCATE ON audit_events
      FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only()`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE audit_events');
    await queryRunner.query('DROP FUNCTION audit_events_append_only()');
  }
}
