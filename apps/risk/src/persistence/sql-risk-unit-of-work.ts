import { randomUUID } from 'node:crypto';
import type { EventType } from '@portcullis/contracts';
import type { NewEvent, OutboxWriter } from '@portcullis/messaging';
import { queryRows, transactional } from '@portcullis/persistence';
import type { DataSource, EntityManager } from 'typeorm';
import type { AlertCandidate, NewFailure, RiskTransaction, RiskUnitOfWork } from '../domain/ports';
import type { UserProfile } from '../domain/profile';
import type { RiskPolicy } from '../domain/risk-policy';
import type { VelocityThresholds } from '../domain/velocity';

/** NOTIFY channels that keep every instance's caches correct. */
export const PROFILE_CHANNEL = 'risk_profile_changed';
export const POLICY_CHANNEL = 'risk_policy_changed';

interface ProfileRow {
  tenant_id: string;
  user_id: string;
  devices: Record<string, number>;
  countries: Record<string, number>;
  asns: Record<string, number>;
  hours: number[];
  sign_ins: number;
  last_sign_in_at: Date | null;
  last_latitude: number | null;
  last_longitude: number | null;
  last_accuracy_km: number | null;
  last_country: string | null;
  last_recovery_at: Date | null;
}

export function toProfile(r: ProfileRow): UserProfile {
  return {
    tenantId: r.tenant_id,
    userId: r.user_id,
    devices: r.devices,
    countries: r.countries,
    networks: r.asns,
    hours: r.hours,
    signIns: r.sign_ins,
    lastSignIn: r.last_sign_in_at
      ? {
          at: r.last_sign_in_at,
          latitude: r.last_latitude ?? undefined,
          longitude: r.last_longitude ?? undefined,
          accuracyKm: r.last_accuracy_km ?? undefined,
          country: r.last_country ?? undefined,
        }
      : undefined,
    lastRecoveryAt: r.last_recovery_at ?? undefined,
  };
}

export const PROFILE_COLUMNS =
  'tenant_id, user_id, devices, countries, asns, hours, sign_ins, last_sign_in_at, last_latitude, last_longitude, last_accuracy_km, last_country, last_recovery_at';

function transaction(m: EntityManager, outbox: OutboxWriter): RiskTransaction {
  return {
    profiles: {
      find: async (tenantId, userId) => {
        const rows = await queryRows<ProfileRow>(
          m,
          `SELECT ${PROFILE_COLUMNS} FROM risk_profiles WHERE tenant_id = $1 AND user_id = $2 FOR UPDATE`,
          [tenantId, userId],
        );
        return rows[0] ? toProfile(rows[0]) : undefined;
      },
      save: async (p: UserProfile, at: Date) => {
        await m.query(
          `WITH saved AS (
             INSERT INTO risk_profiles (${PROFILE_COLUMNS}, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
             ON CONFLICT (tenant_id, user_id) DO UPDATE SET
               devices = EXCLUDED.devices, countries = EXCLUDED.countries, asns = EXCLUDED.asns,
               hours = EXCLUDED.hours, sign_ins = EXCLUDED.sign_ins,
               last_sign_in_at = EXCLUDED.last_sign_in_at, last_latitude = EXCLUDED.last_latitude,
               last_longitude = EXCLUDED.last_longitude, last_accuracy_km = EXCLUDED.last_accuracy_km,
               last_country = EXCLUDED.last_country, last_recovery_at = EXCLUDED.last_recovery_at,
               updated_at = EXCLUDED.updated_at
             RETURNING tenant_id)
           SELECT pg_notify('${PROFILE_CHANNEL}', $1 || ':' || $2) FROM saved`,
          [
            p.tenantId,
            p.userId,
            JSON.stringify(p.devices),
            JSON.stringify(p.countries),
            JSON.stringify(p.networks),
            p.hours,
            p.signIns,
            p.lastSignIn?.at ?? null,
            p.lastSignIn?.latitude ?? null,
            p.lastSignIn?.longitude ?? null,
            p.lastSignIn?.accuracyKm === undefined ? null : Math.round(p.lastSignIn.accuracyKm),
            p.lastSignIn?.country ?? null,
            p.lastRecoveryAt ?? null,
            at,
          ],
        );
      },
    },
    failures: {
      record: async (f: NewFailure) => {
        const rows = await queryRows<unknown>(
          m,
          `INSERT INTO risk_failures (tenant_id, attempt_id, kind, user_id, ip, subnet, at)
           VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING RETURNING 1`,
          [f.tenantId, f.attemptId, f.kind, f.userId ?? null, f.ip ?? null, f.subnet ?? null, f.at],
        );
        return rows.length === 1;
      },
      count: async (tenantId, keys, at, t: VelocityThresholds) => {
        const since = new Date(at.getTime() - t.windowSeconds * 1000);
        const tenantSince = new Date(at.getTime() - t.tenantWindowSeconds * 1000);
        const [row] = await queryRows<Record<string, string>>(
          m,
          `SELECT
             (SELECT count(*) FROM risk_failures WHERE tenant_id = $1 AND ip = $2 AND at > $5) AS ip_failures,
             (SELECT count(DISTINCT user_id) FROM risk_failures WHERE tenant_id = $1 AND ip = $2 AND at > $5) AS ip_users,
             (SELECT count(*) FROM risk_failures WHERE tenant_id = $1 AND subnet = $3 AND at > $5) AS subnet_failures,
             (SELECT count(*) FROM risk_failures WHERE tenant_id = $1 AND user_id = $4 AND at > $5) AS user_failures,
             (SELECT count(DISTINCT ip) FROM risk_failures WHERE tenant_id = $1 AND user_id = $4 AND at > $5) AS user_ips,
             (SELECT COALESCE(sum(count), 0) FROM risk_counters
                WHERE tenant_id = $1 AND counter = 'failures' AND bucket > $6) AS tenant_failures`,
          [tenantId, keys.ip ?? null, keys.subnet ?? null, keys.userId ?? null, since, tenantSince],
        );
        return {
          ipFailures: Number(row.ip_failures),
          ipUsers: Number(row.ip_users),
          subnetFailures: Number(row.subnet_failures),
          userFailures: Number(row.user_failures),
          userIps: Number(row.user_ips),
          tenantFailures: Number(row.tenant_failures),
        };
      },
    },
    counters: {
      increment: async (tenantId, counter, at, windowSeconds) => {
        const [row] = await queryRows<{ total: string }>(
          m,
          `WITH bumped AS (
             INSERT INTO risk_counters (tenant_id, counter, bucket, count)
             VALUES ($1, $2, date_trunc('minute', $3::timestamptz), 1)
             ON CONFLICT (tenant_id, counter, bucket) DO UPDATE SET count = risk_counters.count + 1
             RETURNING count, bucket)
           SELECT (SELECT count FROM bumped) + COALESCE((SELECT sum(count) FROM risk_counters
             WHERE tenant_id = $1 AND counter = $2 AND bucket > $4
               AND bucket <> (SELECT bucket FROM bumped)), 0) AS total`,
          [tenantId, counter, at, new Date(at.getTime() - windowSeconds * 1000)],
        );
        return Number(row.total);
      },
      total: async (tenantId, counter, at, windowSeconds) => {
        const [row] = await queryRows<{ total: string }>(
          m,
          `SELECT COALESCE(sum(count), 0) AS total FROM risk_counters
           WHERE tenant_id = $1 AND counter = $2 AND bucket > $3`,
          [tenantId, counter, new Date(at.getTime() - windowSeconds * 1000)],
        );
        return Number(row.total);
      },
    },
    assessments: {
      record: async (a) => {
        const rows = await queryRows<unknown>(
          m,
          `INSERT INTO risk_assessments (tenant_id, attempt_id, user_id, score, decision, at)
           VALUES ($1, $2, $3, $4, $5, $6)
           ON CONFLICT (tenant_id, attempt_id) DO UPDATE SET score = EXCLUDED.score,
             decision = EXCLUDED.decision, at = EXCLUDED.at
           WHERE (risk_assessments.score, risk_assessments.decision) IS DISTINCT FROM (EXCLUDED.score, EXCLUDED.decision)
           RETURNING 1`,
          [a.tenantId, a.attemptId, a.userId ?? null, a.score, a.decision, a.at],
        );
        return rows.length === 1;
      },
    },
    alerts: {
      claim: async (c: AlertCandidate) => {
        const rows = await queryRows<{ alert_id: string }>(
          m,
          `INSERT INTO risk_alerts (tenant_id, kind, subject, alert_id, raised_at, quiet_until)
           VALUES ($1, $2, $3, $4, $5, $6)
           ON CONFLICT (tenant_id, kind, subject) DO UPDATE SET alert_id = EXCLUDED.alert_id,
             raised_at = EXCLUDED.raised_at, quiet_until = EXCLUDED.quiet_until,
             times_raised = risk_alerts.times_raised + 1
           WHERE risk_alerts.quiet_until <= EXCLUDED.raised_at
           RETURNING alert_id`,
          [c.tenantId, c.kind, c.subject, randomUUID(), c.at, c.quietUntil],
        );
        return rows[0] ? { alertId: rows[0].alert_id } : undefined;
      },
    },
    policies: {
      find: async (tenantId) =>
        (
          await queryRows<{ policy: RiskPolicy }>(
            m,
            'SELECT policy FROM risk_policies WHERE tenant_id = $1',
            [tenantId],
          )
        )[0]?.policy,
      save: async (tenantId, policy, at) => {
        await m.query(
          `WITH saved AS (
             INSERT INTO risk_policies (tenant_id, policy, updated_at) VALUES ($1, $2, $3)
             ON CONFLICT (tenant_id) DO UPDATE SET policy = EXCLUDED.policy, updated_at = EXCLUDED.updated_at
             RETURNING tenant_id)
           SELECT pg_notify('${POLICY_CHANNEL}', $1::text) FROM saved`,
          [tenantId, JSON.stringify(policy), at],
        );
      },
    },
    events: {
      record: async <K extends EventType>(event: NewEvent<K>) => {
        await outbox.append(m, event);
      },
    },
  };
}

export class SqlRiskUnitOfWork implements RiskUnitOfWork {
  constructor(
    private readonly dataSource: DataSource,
    private readonly outbox: OutboxWriter,
  ) {}

  run<T>(work: (tx: RiskTransaction) => Promise<T>): Promise<T> {
    return transactional(this.dataSource, (m) => work(transaction(m, this.outbox)));
  }
}
