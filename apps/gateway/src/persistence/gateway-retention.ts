import type { Logger } from '@portcullis/observability';
import { queryRows } from '@portcullis/persistence';
import type { DataSource } from 'typeorm';

export interface GatewayRetentionSettings {
  /** Finished (or abandoned) authentications and dead device tokens are kept this long. */
  readonly retentionMs: number;
  readonly intervalMs: number;
}

/**
 * Deletes authentications that ended (or expired unanswered) and device tokens that expired or
 * were revoked, once past the retention: the audit log keeps the history, the gateway only what
 * a flow may still need. Runs on every instance; the deletes are idempotent.
 */
export class GatewayRetention {
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly dataSource: DataSource,
    private readonly settings: GatewayRetentionSettings,
    private readonly logger: Logger,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => {
      this.prune().catch((error: unknown) =>
        this.logger.warn({ err: error }, 'gateway retention run failed'),
      );
    }, this.settings.intervalMs);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    if (this.timer) clearInterval(this.timer);
  }

  async prune(now: Date = new Date()): Promise<{ authentications: number; deviceTokens: number }> {
    const before = new Date(now.getTime() - this.settings.retentionMs);
    const authentications = (
      await queryRows<unknown>(
        this.dataSource.manager,
        `DELETE FROM authentications WHERE COALESCE(completed_at, expires_at) < $1 RETURNING 1`,
        [before],
      )
    ).length;
    const deviceTokens = (
      await queryRows<unknown>(
        this.dataSource.manager,
        `DELETE FROM device_tokens WHERE COALESCE(revoked_at, expires_at) < $1 RETURNING 1`,
        [before],
      )
    ).length;
    if (authentications + deviceTokens > 0) {
      this.logger.info({ authentications, deviceTokens }, 'gateway retention pruned');
    }
    return { authentications, deviceTokens };
  }
}
