import type { Logger } from '@portcullis/observability';
import { queryRows } from '@portcullis/persistence';
import type { DataSource } from 'typeorm';

/**
 * Deletes failure counters whose newest failure has left the window: they no longer throttle
 * anything, and unknown logins from ever-new networks would otherwise pile up. Runs on every
 * instance; the delete is idempotent.
 */
export class PasswordFailureRetention {
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly dataSource: DataSource,
    private readonly windowSeconds: number,
    private readonly logger: Logger,
  ) {}

  onApplicationBootstrap(): void {
    const intervalMs = Math.min(Math.max(this.windowSeconds * 1000, 10_000), 600_000);
    this.timer = setInterval(() => {
      this.prune().catch((error: unknown) =>
        this.logger.warn({ err: error }, 'password failure retention run failed'),
      );
    }, intervalMs);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    if (this.timer) clearInterval(this.timer);
  }

  async prune(now: Date = new Date()): Promise<number> {
    const before = new Date(now.getTime() - this.windowSeconds * 1000);
    const deleted = (
      await queryRows<unknown>(
        this.dataSource,
        'DELETE FROM password_failures WHERE last_failed_at <= $1 RETURNING 1',
        [before],
      )
    ).length;
    if (deleted > 0) this.logger.debug({ deleted }, 'expired password failure counters deleted');
    return deleted;
  }
}
