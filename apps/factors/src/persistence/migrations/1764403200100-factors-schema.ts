import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Factors, their passkey credentials, recovery codes, challenges and tenant policies. Secrets
 * are sealed (AES-256-GCM envelope) with the key id in its own column; codes exist only as keyed
 * hashes. Removed factors stay on record (SECURITY.md 25).
 */
export class FactorsSchema1764403200100 implements MigrationInterface {
  name = 'FactorsSchema1764403200100';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE factors (
        id                 uuid PRIMARY KEY,
        tenant_id          uuid NOT NULL,
        user_id            uuid NOT NULL,
        type               text NOT NULL CHECK (type IN ('totp', 'webauthn', 'sms_otp', 'voice_otp', 'email_otp', 'recovery_codes')),
        name               text NOT NULL,
        status             text NOT NULL CHECK (status IN ('PENDING', 'ACTIVE', 'REMOVED')),
        preferred          boolean NOT NULL DEFAULT false,
        destination_hint   text NOT NULL DEFAULT '',
        secret_key_id      text,
        secret_sealed      text,
        destination_key_id text,
        destination_sealed text,
        totp_algorithm     text,
        totp_digits        smallint,
        totp_period        smallint,
        last_totp_step     bigint,
        failed_attempts    integer NOT NULL DEFAULT 0,
        locked_until       timestamptz,
        created_at         timestamptz NOT NULL,
        activated_at       timestamptz,
        last_used_at       timestamptz,
        removed_at         timestamptz,
        CHECK ((secret_key_id IS NULL) = (secret_sealed IS NULL)),
        CHECK ((destination_key_id IS NULL) = (destination_sealed IS NULL))
      )`);
    await queryRunner.query(`CREATE INDEX factors_user_idx ON factors (tenant_id, user_id)`);
    await queryRunner.query(
      `CREATE UNIQUE INDEX factors_one_preferred_idx ON factors (tenant_id, user_id) WHERE preferred AND status = 'ACTIVE'`,
    );
    await queryRunner.query(`
      CREATE TABLE webauthn_credentials (
        factor_id        uuid PRIMARY KEY REFERENCES factors (id),
        tenant_id        uuid NOT NULL,
        credential_id    text NOT NULL,
        public_key       bytea NOT NULL,
        sign_count       bigint NOT NULL,
        transports       text[] NOT NULL DEFAULT '{}',
        aaguid           text NOT NULL,
        backup_eligible  boolean NOT NULL,
        backed_up        boolean NOT NULL,
        attachment       text NOT NULL DEFAULT '',
        discoverable     boolean NOT NULL,
        clone_suspected  boolean NOT NULL DEFAULT false,
        active           boolean NOT NULL DEFAULT true,
        CHECK (backup_eligible OR NOT backed_up)
      )`);
    // SECURITY.md 16: a credential id is registered once (per tenant) while it is in use.
    await queryRunner.query(
      `CREATE UNIQUE INDEX webauthn_credentials_credential_id_key ON webauthn_credentials (tenant_id, credential_id) WHERE active`,
    );
    await queryRunner.query(`
      CREATE TABLE recovery_codes (
        factor_id  uuid NOT NULL REFERENCES factors (id),
        code_hash  text NOT NULL,
        used_at    timestamptz,
        PRIMARY KEY (factor_id, code_hash)
      )`);
    await queryRunner.query(`
      CREATE TABLE challenges (
        id                 uuid PRIMARY KEY,
        tenant_id          uuid NOT NULL,
        user_id            uuid,
        factor_id          uuid REFERENCES factors (id),
        factor_type        text NOT NULL,
        purpose            text NOT NULL CHECK (purpose IN ('AUTHENTICATION', 'ENROLLMENT')),
        authentication_id  text NOT NULL,
        status             text NOT NULL CHECK (status IN ('PENDING', 'VERIFIED')),
        code_hash          text,
        webauthn_challenge text,
        created_at         timestamptz NOT NULL,
        expires_at         timestamptz NOT NULL,
        verified_at        timestamptz,
        strength           smallint,
        proof_used_at      timestamptz
      )`);
    await queryRunner.query(`CREATE INDEX challenges_expires_idx ON challenges (expires_at)`);
    await queryRunner.query(`
      CREATE TABLE factor_policies (
        tenant_id  uuid PRIMARY KEY,
        policy     jsonb NOT NULL,
        updated_at timestamptz NOT NULL
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE factor_policies');
    await queryRunner.query('DROP TABLE challenges');
    await queryRunner.query('DROP TABLE recovery_codes');
    await queryRunner.query('DROP TABLE webauthn_credentials');
    await queryRunner.query('DROP TABLE factors');
  }
}
