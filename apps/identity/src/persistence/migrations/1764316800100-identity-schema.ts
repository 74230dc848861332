import type { MigrationInterface, QueryRunner } from 'typeorm';

export class IdentitySchema1764316800100 implements MigrationInterface {
  name = 'IdentitySchema1764316800100';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE tenants (
        id         uuid PRIMARY KEY,
        name       text NOT NULL,
        status     text NOT NULL CHECK (status IN ('ACTIVE', 'SUSPENDED')),
        created_at timestamptz NOT NULL
      )`);
    await queryRunner.query(`
      CREATE TABLE users (
        id           uuid PRIMARY KEY,
        tenant_id    uuid NOT NULL REFERENCES tenants (id),
        external_id  text NOT NULL,
        email        text,
        phone_number text,
        status       text NOT NULL CHECK (status IN ('ACTIVE', 'LOCKED', 'DISABLED')),
        created_at   timestamptz NOT NULL,
        CONSTRAINT users_tenant_external_id_key UNIQUE (tenant_id, external_id)
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE users');
    await queryRunner.query('DROP TABLE tenants');
  }
}
