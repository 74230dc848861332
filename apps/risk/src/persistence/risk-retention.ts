import type { Logger } from '@portcullis/observability';
import { queryRows } from '@portcullis/persistence';
import type { DataSource } from 'typeorm';

export interface RetentionSettings {
  readonly profileRetentionMs: number;
  /** Failure rows and counters are kept this long (longer than any velocity window). */
  readonly failureRetentionMs: number;
  readonly intervalMs: number;
}

/**
 * Deletes what risk no longer needs: failures and counters past the longest window, and
 * profiles and assessments past the profile retention. Runs on every instance; the deletes are
 * idempotent, so overlapping runs only repeat work.
 */
export class RiskRetention {
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly dataSource: DataSource,
    private readonly settings: RetentionSettings,
    private readonly logger: Logger,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => {
      this.prune().catch((error: unknown) => this.logger.warn({ err: error }, 'risk retention run failed'));
    }, this.settings.intervalMs);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    if (this.timer) clearInterval(this.timer);
  }

  async prune(now: Date = new Date()): Promise<Record<string, number>> {
    const failuresBefore = new Date(now.getTime() - this.settings.failureRetentionMs);
    const profilesBefore = new Date(now.getTime() - this.settings.profileRetentionMs);
    const deleted: Record<string, number> = {};
    const run = async (name: string, sql: string, before: Date) => {
      deleted[name] = (
        await queryRows<unknown>(this.dataSource.manager, `${sql} RETURNING 1`, [before])
      ).length;
    };
    await run('failures', 'DELETE FROM risk_failures WHERE at < $1', failuresBefore);
    await run('counters', 'DELETE FROM risk_counters WHERE bucket < $1', failuresBefore);
    await run('assessments', 'DELETE FROM risk_assessments WHERE at < $1', profilesBefore);
    await run('profiles', 'DELETE FROM risk_profiles WHERE updated_at < $1', profilesBefore);
    if (Object.values(deleted).some((n) => n > 0)) this.logger.info({ deleted }, 'risk retention pruned');
    return deleted;
  }
}
