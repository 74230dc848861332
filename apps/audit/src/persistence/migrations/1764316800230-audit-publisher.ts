import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The analysts' topic is published from the audit log itself: per tenant, the last position
 * published. A tenant's positions commit in order (its chain head is locked while they are
 * written), so "everything after the cursor up to the head" is exactly what is left to publish.
 */
export class AuditPublisher1764316800230 implements MigrationInterface {
  name = 'AuditPublisher1764316800230';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE audit_publish_cursors (
        tenant_id    text PRIMARY KEY,
        sequence     bigint NOT NULL,
        published_at timestamptz NOT NULL
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE audit_publish_cursors');
  }
}
