import type { OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import type { Logger } from '@portcullis/observability';
import { PgChangeListener, queryRows, transactional } from '@portcullis/persistence';
import { LRUCache } from 'lru-cache';
import type { DataSource } from 'typeorm';
import { type ApiKeyCredential, ApiKeyStore, type ApiKeyView, type NewApiKey } from '../auth/api-key';
import type { Scope } from '../auth/principal';

/** NOTIFY channel of revocations; the payload is the key id. */
export const API_KEY_REVOKED_CHANNEL = 'gateway_api_key_revoked';

interface ApiKeyRow {
  id: string;
  tenant_id: string;
  name: string;
  scope: Scope;
  key_hash: string;
  prefix: string;
  created_at: Date;
  revoked_at: Date | null;
  last_used_at: Date | null;
}

const VIEW_COLUMNS = 'id, tenant_id, name, scope, prefix, created_at, revoked_at, last_used_at';

const toView = (r: Omit<ApiKeyRow, 'key_hash'>): ApiKeyView => ({
  id: r.id,
  tenantId: r.tenant_id,
  name: r.name,
  scope: r.scope,
  prefix: r.prefix,
  createdAt: r.created_at,
  ...(r.revoked_at ? { revokedAt: r.revoked_at } : {}),
  ...(r.last_used_at ? { lastUsedAt: r.last_used_at } : {}),
});

export interface ApiKeyCacheSettings {
  /** Connection string of the LISTEN connection (the gateway's database). */
  readonly listenUrl: string;
  readonly maxEntries: number;
  /** Upper bound on how long an entry is trusted, should a notification ever be missed (≤ 60 s). */
  readonly ttlMs: number;
}

/**
 * The api_keys table, with authentication look-ups cached in-process. A revocation NOTIFYs on
 * commit and every instance LISTENs, so a revoked key stops working on all of them within
 * milliseconds, not at the end of the TTL. While the LISTEN connection is down nothing is cached
 * (every look-up reads PostgreSQL), and on reconnecting the cache is dropped, because
 * notifications sent meanwhile are lost. Unknown ids are not cached: callers choose them.
 */
export class SqlApiKeys extends ApiKeyStore implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly cache: LRUCache<string, ApiKeyCredential>;
  private readonly listener: PgChangeListener;
  /** Bumped on every eviction, so a look-up that raced a revocation is not cached. */
  private generation = 0;

  constructor(
    private readonly dataSource: DataSource,
    settings: ApiKeyCacheSettings,
    private readonly logger: Logger,
  ) {
    super();
    this.cache = new LRUCache({ max: settings.maxEntries, ttl: Math.min(settings.ttlMs, 60_000) });
    this.listener = new PgChangeListener(
      { url: settings.listenUrl, channels: [API_KEY_REVOKED_CHANNEL] },
      {
        onNotification: (_channel, keyId) => this.evict(keyId),
        onConnected: () => this.clear(),
        onError: (error) => {
          this.clear();
          this.logger.warn(
            { err: error },
            'API key cache lost its revocation notifications; reading through',
          );
        },
      },
    );
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.listener.start();
  }

  async onModuleDestroy(): Promise<void> {
    await this.listener.stop();
  }

  async insert(key: NewApiKey): Promise<ApiKeyView> {
    const rows = await queryRows<ApiKeyRow>(
      this.dataSource.manager,
      `INSERT INTO api_keys (id, tenant_id, name, scope, key_hash, prefix, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, now())
       RETURNING ${VIEW_COLUMNS}`,
      [key.id, key.tenantId, key.name, key.scope, key.keyHash, key.prefix],
    );
    return toView(rows[0]);
  }

  async credential(id: string): Promise<ApiKeyCredential | undefined> {
    const cached = this.cache.get(id);
    if (cached) return cached;
    const generation = this.generation;
    const rows = await queryRows<ApiKeyRow>(
      this.dataSource.manager,
      `SELECT ${VIEW_COLUMNS}, key_hash FROM api_keys WHERE id = $1`,
      [id],
    );
    const row = rows[0];
    if (!row) return undefined;
    const credential: ApiKeyCredential = { ...toView(row), keyHash: row.key_hash };
    if (this.listener.connected && generation === this.generation) this.cache.set(id, credential);
    return credential;
  }

  async list(tenantId: string): Promise<ApiKeyView[]> {
    const rows = await queryRows<ApiKeyRow>(
      this.dataSource.manager,
      `SELECT ${VIEW_COLUMNS} FROM api_keys WHERE tenant_id = $1 ORDER BY created_at, id`,
      [tenantId],
    );
    return rows.map(toView);
  }

  async revoke(tenantId: string, id: string): Promise<ApiKeyView | undefined> {
    const row = await transactional(this.dataSource, async (m) => {
      const rows = await queryRows<ApiKeyRow>(
        m,
        `UPDATE api_keys SET revoked_at = COALESCE(revoked_at, now())
         WHERE tenant_id = $1 AND id = $2
         RETURNING ${VIEW_COLUMNS}`,
        [tenantId, id],
      );
      // Delivered on commit only. Sent again on a repeated revocation too: harmless, and it heals
      // an instance that missed the first one.
      if (rows[0]) await m.query('SELECT pg_notify($1, $2)', [API_KEY_REVOKED_CHANNEL, id]);
      return rows[0];
    });
    // This instance does not wait for its own notification.
    this.evict(id);
    return row ? toView(row) : undefined;
  }

  async touch(id: string): Promise<void> {
    await this.dataSource.query(
      `UPDATE api_keys SET last_used_at = now()
       WHERE id = $1 AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute')`,
      [id],
    );
  }

  private evict(id: string): void {
    this.generation += 1;
    this.cache.delete(id);
  }

  private clear(): void {
    this.generation += 1;
    this.cache.clear();
  }
}
