import type { Logger } from '@portcullis/observability';
import { PgChangeListener, queryRows } from '@portcullis/persistence';
import { LRUCache } from 'lru-cache';
import type { DataSource } from 'typeorm';
import { RiskReadModel } from '../domain/ports';
import type { UserProfile } from '../domain/profile';
import { DEFAULT_RISK_POLICY, type RiskPolicy } from '../domain/risk-policy';
import { POLICY_CHANNEL, PROFILE_CHANNEL, PROFILE_COLUMNS, toProfile } from './sql-risk-unit-of-work';

export interface ReadModelSettings {
  /** Connection string for the LISTEN connection. */
  readonly listenUrl: string;
  readonly maxProfiles: number;
  /** Upper bound on how long an entry is trusted, should a notification ever be missed. */
  readonly ttlMs: number;
}

const NO_PROFILE = Symbol('NO_PROFILE');

/**
 * Profiles and policies, cached in-process. Every write NOTIFYs on commit and every instance
 * LISTENs, so a change made through any instance evicts the entry everywhere; while the LISTEN
 * connection is down nothing is cached (reads go to PostgreSQL), and on reconnecting the caches
 * are dropped, because notifications sent meanwhile are lost.
 */
export class CachedRiskReadModel extends RiskReadModel {
  private readonly profiles: LRUCache<string, UserProfile | typeof NO_PROFILE> | undefined;
  private readonly policies = new Map<string, RiskPolicy>();
  private readonly listener: PgChangeListener;
  /** Bumped on every eviction, so a read that raced a change is not cached. */
  private generation = 0;

  constructor(
    private readonly dataSource: DataSource,
    settings: ReadModelSettings,
    private readonly logger: Logger,
  ) {
    super();
    // A cache size of 0 switches profile caching off.
    this.profiles =
      settings.maxProfiles > 0 ? new LRUCache({ max: settings.maxProfiles, ttl: settings.ttlMs }) : undefined;
    this.listener = new PgChangeListener(
      { url: settings.listenUrl, channels: [PROFILE_CHANNEL, POLICY_CHANNEL] },
      {
        onNotification: (channel, payload) => {
          this.generation += 1;
          if (channel === PROFILE_CHANNEL) this.profiles?.delete(payload);
          else this.policies.delete(payload);
        },
        onConnected: () => this.clear(),
        onError: (error) => {
          this.clear();
          this.logger.warn({ err: error }, 'risk cache lost its change notifications; reading through');
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

  async profile(tenantId: string, userId: string): Promise<UserProfile | undefined> {
    const key = `${tenantId}:${userId}`;
    const cached = this.profiles?.get(key);
    if (cached !== undefined) return cached === NO_PROFILE ? undefined : cached;
    const generation = this.generation;
    const rows = await queryRows<Parameters<typeof toProfile>[0]>(
      this.dataSource.manager,
      `SELECT ${PROFILE_COLUMNS} FROM risk_profiles WHERE tenant_id = $1 AND user_id = $2`,
      [tenantId, userId],
    );
    const profile = rows[0] ? toProfile(rows[0]) : undefined;
    if (this.cacheable(generation)) this.profiles?.set(key, profile ?? NO_PROFILE);
    return profile;
  }

  async policy(tenantId: string): Promise<RiskPolicy> {
    const cached = this.policies.get(tenantId);
    if (cached) return cached;
    const generation = this.generation;
    const rows = await queryRows<{ policy: RiskPolicy }>(
      this.dataSource.manager,
      'SELECT policy FROM risk_policies WHERE tenant_id = $1',
      [tenantId],
    );
    const policy = rows[0]?.policy ?? DEFAULT_RISK_POLICY;
    if (this.cacheable(generation)) this.policies.set(tenantId, policy);
    return policy;
  }

  policyChanged(tenantId: string): void {
    this.generation += 1;
    this.policies.delete(tenantId);
  }

  private cacheable(generation: number): boolean {
    return this.listener.connected && generation === this.generation;
  }

  private clear(): void {
    this.generation += 1;
    this.profiles?.clear();
    this.policies.clear();
  }
}
