import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The gateway's own state: authentication attempts (the state machine), remembered devices,
 * tenants' sign-in policies, API keys (hashed) and idempotency records of POSTs.
 */
export class GatewaySchema1764748800700 implements MigrationInterface {
  name = 'GatewaySchema1764748800700';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE authentications (
        id              uuid PRIMARY KEY,
        tenant_id       uuid NOT NULL,
        user_id         uuid,
        kind            text NOT NULL CHECK (kind IN ('sign_in', 'step_up', 'passwordless')),
        status          text NOT NULL CHECK (status IN ('CHALLENGE_REQUIRED', 'SUCCEEDED', 'DENIED', 'EXPIRED')),
        denial_reason   text,
        risk            jsonb,
        factors         jsonb NOT NULL DEFAULT '[]',
        action          jsonb,
        amr             text[] NOT NULL DEFAULT '{}',
        client_ip       text,
        user_agent      text,
        device_id       text,
        device_remembered boolean NOT NULL DEFAULT false,
        password_checked boolean NOT NULL DEFAULT false,
        challenge_id    uuid,
        created_at      timestamptz NOT NULL,
        expires_at      timestamptz NOT NULL,
        completed_at    timestamptz,
        assertion_jti   uuid
      )`);
    await queryRunner.query(
      `CREATE INDEX authentications_tenant_idx ON authentications (tenant_id, created_at)`,
    );
    await queryRunner.query(`
      CREATE TABLE device_tokens (
        id           uuid PRIMARY KEY,
        tenant_id    uuid NOT NULL,
        user_id      uuid NOT NULL,
        device_hash  text NOT NULL,
        created_at   timestamptz NOT NULL,
        expires_at   timestamptz NOT NULL,
        revoked_at   timestamptz,
        last_used_at timestamptz
      )`);
    await queryRunner.query(`CREATE INDEX device_tokens_user_idx ON device_tokens (tenant_id, user_id)`);
    await queryRunner.query(`
      CREATE TABLE auth_policies (
        tenant_id  uuid PRIMARY KEY,
        policy     jsonb NOT NULL,
        updated_at timestamptz NOT NULL
      )`);
    await queryRunner.query(`
      CREATE TABLE api_keys (
        id           text PRIMARY KEY,
        tenant_id    uuid NOT NULL,
        name         text NOT NULL,
        scope        text NOT NULL CHECK (scope IN ('admin', 'runtime')),
        key_hash     text NOT NULL,
        prefix       text NOT NULL,
        created_at   timestamptz NOT NULL,
        revoked_at   timestamptz,
        last_used_at timestamptz
      )`);
    await queryRunner.query(`CREATE INDEX api_keys_tenant_idx ON api_keys (tenant_id)`);
    await queryRunner.query(`
      CREATE TABLE idempotency_records (
        principal    text NOT NULL,
        key          text NOT NULL,
        request_hash text NOT NULL,
        status       integer,
        response     jsonb,
        created_at   timestamptz NOT NULL,
        PRIMARY KEY (principal, key)
      )`);
    await queryRunner.query(
      `CREATE INDEX idempotency_records_created_idx ON idempotency_records (created_at)`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of [
      'idempotency_records',
      'api_keys',
      'auth_policies',
      'device_tokens',
      'authentications',
    ]) {
      await queryRunner.query(`DROP TABLE ${table}`);
    }
  }
}
