import type { Logger } from '@portcullis/observability';
import { queryRows } from '@portcullis/persistence';
import type { DataSource, EntityManager } from 'typeorm';

const DAY_MS = 24 * 60 * 60 * 1000;
const PARTITION = /^audit_events_p(\d{4})(\d{2})(\d{2})$/;
/** Partitions created ahead of today, so a day's first record never waits for DDL. */
const DAYS_AHEAD = 2;

export interface AuditMaintenanceSettings {
  readonly retentionDays: number;
  readonly ipRetentionDays: number;
  readonly intervalMs: number;
}

export interface MaintenanceReport {
  readonly created: number;
  readonly dropped: readonly string[];
  readonly clientIpsPurged: number;
  readonly processedPurged: number;
}

const utcDay = (date: Date) =>
  new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate()));
const isoDay = (date: Date) => date.toISOString().slice(0, 10);

/**
 * Keeps the audit log's daily partitions: creates them ahead, drops whole days past the retention
 * (recording each tenant's last dropped link first, so the rest of the chain still verifies),
 * forgets full client addresses after the IP retention, and prunes the consumer's dedup ids older
 * than anything Kafka could redeliver. One instance at a time (advisory lock); the others skip.
 */
export class AuditMaintenance {
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly dataSource: DataSource,
    private readonly settings: AuditMaintenanceSettings,
    private readonly logger: Logger,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.run();
    this.timer = setInterval(() => {
      this.run().catch((error: unknown) => this.logger.warn({ err: error }, 'audit maintenance failed'));
    }, this.settings.intervalMs);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    if (this.timer) clearInterval(this.timer);
  }

  /** Creates the partitions of these UTC days (inclusive) that do not exist yet. */
  async ensurePartitions(
    from: Date,
    to: Date,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<number> {
    let created = 0;
    for (let day = utcDay(from); day <= utcDay(to); day = new Date(day.getTime() + DAY_MS)) {
      const [row] = await queryRows<{ created: boolean }>(
        manager,
        'SELECT audit_ensure_partition($1::date) AS created',
        [isoDay(day)],
      );
      if (row?.created) created += 1;
    }
    return created;
  }

  async run(now: Date = this.clock()): Promise<MaintenanceReport | undefined> {
    const report = await this.dataSource.transaction(async (manager) => {
      const [lock] = await queryRows<{ locked: boolean }>(
        manager,
        `SELECT pg_try_advisory_xact_lock(hashtext('portcullis-audit-maintenance')) AS locked`,
      );
      if (!lock?.locked) return undefined;
      const created = await this.ensurePartitions(
        new Date(now.getTime() - DAY_MS),
        new Date(now.getTime() + DAYS_AHEAD * DAY_MS),
        manager,
      );
      const cutoff = utcDay(new Date(now.getTime() - this.settings.retentionDays * DAY_MS));
      const dropped: string[] = [];
      for (const name of await this.partitions(manager)) {
        const match = PARTITION.exec(name);
        if (!match) continue;
        const end = new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])) + DAY_MS);
        if (end > cutoff) continue;
        await this.drop(manager, name);
        dropped.push(name);
      }
      const ipCutoff = new Date(now.getTime() - this.settings.ipRetentionDays * DAY_MS);
      const clientIpsPurged = (
        await queryRows(manager, 'DELETE FROM audit_client_ips WHERE recorded_at < $1 RETURNING 1', [
          ipCutoff,
        ])
      ).length;
      const processedPurged = (
        await queryRows(manager, 'DELETE FROM processed_events WHERE processed_at < $1 RETURNING 1', [cutoff])
      ).length;
      return { created, dropped, clientIpsPurged, processedPurged };
    });
    if (report && (report.dropped.length > 0 || report.clientIpsPurged > 0 || report.created > 0)) {
      this.logger.info(report, 'audit maintenance ran');
    }
    return report;
  }

  private async partitions(manager: EntityManager): Promise<string[]> {
    const rows = await queryRows<{ name: string }>(
      manager,
      `SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
       WHERE i.inhparent = 'audit_events'::regclass ORDER BY c.relname`,
    );
    return rows.map((r) => r.name);
  }

  /** Keeps each tenant's last link in the partition as its chain's new start, then drops it. */
  private async drop(manager: EntityManager, partition: string): Promise<void> {
    await manager.query(
      `INSERT INTO audit_chain_checkpoints (tenant_id, sequence, hash, dropped_at)
       SELECT DISTINCT ON (tenant_id) tenant_id, sequence, hash, now()
       FROM "${partition}" ORDER BY tenant_id, sequence DESC
       ON CONFLICT (tenant_id) DO UPDATE
         SET sequence = EXCLUDED.sequence, hash = EXCLUDED.hash, dropped_at = EXCLUDED.dropped_at
         WHERE audit_chain_checkpoints.sequence < EXCLUDED.sequence`,
    );
    await manager.query(`DROP TABLE "${partition}"`);
  }
}
