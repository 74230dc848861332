import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Password credentials, password failure counters, and emails unique per tenant (so an email can
 * name a user at sign-in).
 */
export class IdentityCredentials1764662400600 implements MigrationInterface {
  name = 'IdentityCredentials1764662400600';

  async up(queryRunner: QueryRunner): Promise<void> {
    // A clear refusal instead of the index's error, which would print a duplicated address.
    await queryRunner.query(`
      DO $$
      DECLARE duplicated bigint;
      BEGIN
        SELECT count(*) INTO duplicated FROM (
          SELECT 1 FROM users WHERE email IS NOT NULL
          GROUP BY tenant_id, lower(email) HAVING count(*) > 1) d;
        IF duplicated > 0 THEN
          RAISE EXCEPTION 'identity: % email address(es) are shared by several users of a tenant; give each user its own email (or none) before upgrading', duplicated;
        END IF;
      END $$`);
    await queryRunner.query(
      'CREATE UNIQUE INDEX users_tenant_email_key ON users (tenant_id, lower(email)) WHERE email IS NOT NULL',
    );
    await queryRunner.query(`
      CREATE TABLE password_credentials (
        user_id    uuid PRIMARY KEY REFERENCES users (id),
        hash       text NOT NULL,
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL
      )`);
    // One row per (tenant, user or unknown login, client network): the times of the failures
    // still in the window, at most PASSWORD_MAX_FAILURES of them.
    await queryRunner.query(`
      CREATE TABLE password_failures (
        tenant_id      uuid NOT NULL,
        subject        text NOT NULL,
        network        text NOT NULL,
        failed_at      timestamptz[] NOT NULL,
        last_failed_at timestamptz NOT NULL,
        PRIMARY KEY (tenant_id, subject, network)
      )`);
    await queryRunner.query(
      'CREATE INDEX password_failures_last_failed_at_idx ON password_failures (last_failed_at)',
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE password_failures');
    await queryRunner.query('DROP TABLE password_credentials');
    await queryRunner.query('DROP INDEX users_tenant_email_key');
  }
}
