import type { EventType } from '@portcullis/contracts';
import type { NewEvent, OutboxWriter } from '@portcullis/messaging';
import { queryRows, transactional } from '@portcullis/persistence';
import type { DataSource, EntityManager } from 'typeorm';
import type { AuthPolicy } from '../domain/auth-policy';
import type { AuthenticationRecord } from '../domain/authentication';
import type { Completion, DeviceTokenRecord, GatewayTransaction, GatewayUnitOfWork } from '../domain/ports';

interface AuthenticationRow {
  id: string;
  tenant_id: string;
  user_id: string | null;
  kind: AuthenticationRecord['kind'];
  status: AuthenticationRecord['status'];
  denial_reason: AuthenticationRecord['denialReason'] | null;
  risk: AuthenticationRecord['risk'] | null;
  factors: AuthenticationRecord['factors'];
  action: AuthenticationRecord['action'] | null;
  amr: string[];
  client_ip: string | null;
  user_agent: string | null;
  device_id: string | null;
  device_remembered: boolean;
  password_checked: boolean;
  challenge_id: string | null;
  created_at: Date;
  expires_at: Date;
  completed_at: Date | null;
}

const toAuthentication = (r: AuthenticationRow): AuthenticationRecord => ({
  id: r.id,
  tenantId: r.tenant_id,
  userId: r.user_id ?? undefined,
  kind: r.kind,
  status: r.status,
  denialReason: r.denial_reason ?? undefined,
  risk: r.risk ?? undefined,
  factors: r.factors,
  action: r.action ?? undefined,
  amr: r.amr,
  clientIp: r.client_ip ?? undefined,
  userAgent: r.user_agent ?? undefined,
  deviceId: r.device_id ?? undefined,
  deviceRemembered: r.device_remembered,
  passwordChecked: r.password_checked,
  challengeId: r.challenge_id ?? undefined,
  createdAt: r.created_at,
  expiresAt: r.expires_at,
  completedAt: r.completed_at ?? undefined,
});

interface DeviceTokenRow {
  id: string;
  tenant_id: string;
  user_id: string;
  device_hash: string;
  created_at: Date;
  expires_at: Date;
  revoked_at: Date | null;
  last_used_at: Date | null;
}

const toDeviceToken = (r: DeviceTokenRow): DeviceTokenRecord => ({
  id: r.id,
  tenantId: r.tenant_id,
  userId: r.user_id,
  deviceHash: r.device_hash,
  createdAt: r.created_at,
  expiresAt: r.expires_at,
  revokedAt: r.revoked_at ?? undefined,
  lastUsedAt: r.last_used_at ?? undefined,
});

const json = (value: unknown) => (value === undefined ? null : JSON.stringify(value));

function transaction(m: EntityManager, outbox: OutboxWriter): GatewayTransaction {
  return {
    authentications: {
      insert: async (a) => {
        await m.query(
          `INSERT INTO authentications (id, tenant_id, user_id, kind, status, denial_reason, risk, factors,
             action, amr, client_ip, user_agent, device_id, device_remembered, password_checked, challenge_id,
             created_at, expires_at, completed_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19)`,
          [
            a.id,
            a.tenantId,
            a.userId ?? null,
            a.kind,
            a.status,
            a.denialReason ?? null,
            json(a.risk),
            JSON.stringify(a.factors),
            json(a.action),
            a.amr,
            a.clientIp ?? null,
            a.userAgent ?? null,
            a.deviceId ?? null,
            a.deviceRemembered,
            a.passwordChecked,
            a.challengeId ?? null,
            a.createdAt,
            a.expiresAt,
            a.completedAt ?? null,
          ],
        );
      },
      find: async (tenantId, id) => {
        const rows = await queryRows<AuthenticationRow>(
          m,
          'SELECT * FROM authentications WHERE tenant_id = $1 AND id = $2',
          [tenantId, id],
        );
        return rows[0] ? toAuthentication(rows[0]) : undefined;
      },
      complete: async (tenantId, id, c: Completion) => {
        const rows = await queryRows<AuthenticationRow>(
          m,
          `UPDATE authentications SET status = $3, user_id = $4, amr = $5, completed_at = $6,
             risk = COALESCE($7, risk), denial_reason = $8
           WHERE tenant_id = $1 AND id = $2 AND status = 'CHALLENGE_REQUIRED' AND expires_at > $6
             AND (user_id IS NULL OR user_id = $4)
           RETURNING *`,
          [tenantId, id, c.status, c.userId, c.amr, c.at, json(c.risk), c.denialReason ?? null],
        );
        return rows[0] ? toAuthentication(rows[0]) : undefined;
      },
    },
    deviceTokens: {
      insert: async (t) => {
        await m.query(
          `INSERT INTO device_tokens (id, tenant_id, user_id, device_hash, created_at, expires_at)
           VALUES ($1, $2, $3, $4, $5, $6)`,
          [t.id, t.tenantId, t.userId, t.deviceHash, t.createdAt, t.expiresAt],
        );
      },
      find: async (tenantId, id) => {
        const rows = await queryRows<DeviceTokenRow>(
          m,
          'SELECT * FROM device_tokens WHERE tenant_id = $1 AND id = $2',
          [tenantId, id],
        );
        return rows[0] ? toDeviceToken(rows[0]) : undefined;
      },
      list: async (tenantId, userId) =>
        (
          await queryRows<DeviceTokenRow>(
            m,
            'SELECT * FROM device_tokens WHERE tenant_id = $1 AND user_id = $2 ORDER BY created_at',
            [tenantId, userId],
          )
        ).map(toDeviceToken),
      revoke: async (tenantId, userId, id, at) => {
        const rows = await queryRows<DeviceTokenRow>(
          m,
          `UPDATE device_tokens SET revoked_at = COALESCE(revoked_at, $4)
           WHERE tenant_id = $1 AND user_id = $2 AND id = $3 RETURNING *`,
          [tenantId, userId, id, at],
        );
        return rows[0] ? toDeviceToken(rows[0]) : undefined;
      },
      touch: async (id, at) => {
        await m.query('UPDATE device_tokens SET last_used_at = $2 WHERE id = $1', [id, at]);
      },
    },
    authPolicies: {
      find: async (tenantId) =>
        (
          await queryRows<{ policy: AuthPolicy }>(
            m,
            'SELECT policy FROM auth_policies WHERE tenant_id = $1',
            [tenantId],
          )
        )[0]?.policy,
      save: async (tenantId, policy, at) => {
        await m.query(
          `INSERT INTO auth_policies (tenant_id, policy, updated_at) VALUES ($1, $2, $3)
           ON CONFLICT (tenant_id) DO UPDATE SET policy = EXCLUDED.policy, updated_at = EXCLUDED.updated_at`,
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

export class SqlGatewayUnitOfWork implements GatewayUnitOfWork {
  constructor(
    private readonly dataSource: DataSource,
    private readonly outbox: OutboxWriter,
  ) {}

  run<T>(work: (tx: GatewayTransaction) => Promise<T>): Promise<T> {
    return transactional(this.dataSource, (m) => work(transaction(m, this.outbox)));
  }
}
