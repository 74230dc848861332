import { randomUUID } from 'node:crypto';
import { GatewayRetention } from '../src/persistence/gateway-retention';
import { GatewayHarness } from './gateway-harness';

/** The gateway keeps only what a flow may still need; the audit log keeps the history. */
describe('gateway retention', () => {
  const h = new GatewayHarness();

  beforeAll(async () => {
    await h.start({ GATEWAY_RETENTION_DAYS: '30' });
  });
  afterAll(async () => {
    await h.stop();
  });

  const day = 86_400_000;
  const at = (daysAgo: number) => new Date(Date.now() - daysAgo * day);

  async function authentication(status: string, createdDaysAgo: number, completedDaysAgo: number | null) {
    const id = randomUUID();
    await h.query(
      `INSERT INTO authentications (id, tenant_id, kind, status, created_at, expires_at, completed_at)
       VALUES ($1, $2, 'sign_in', $3, $4, $5, $6)`,
      [
        id,
        randomUUID(),
        status,
        at(createdDaysAgo),
        new Date(at(createdDaysAgo).getTime() + 600_000),
        completedDaysAgo === null ? null : at(completedDaysAgo),
      ],
    );
    return id;
  }

  async function deviceToken(expiresInDays: number, revokedDaysAgo: number | null) {
    const id = randomUUID();
    await h.query(
      `INSERT INTO device_tokens (id, tenant_id, user_id, device_hash, created_at, expires_at, revoked_at)
       VALUES ($1, $2, $3, 'h', $4, $5, $6)`,
      [
        id,
        randomUUID(),
        randomUUID(),
        at(400),
        at(-expiresInDays),
        revokedDaysAgo === null ? null : at(revokedDaysAgo),
      ],
    );
    return id;
  }

  it('deletes ended authentications and dead device tokens past the retention, and nothing else', async () => {
    const oldSucceeded = await authentication('SUCCEEDED', 40, 40);
    const oldAbandoned = await authentication('CHALLENGE_REQUIRED', 45, null);
    const recent = await authentication('DENIED', 5, 5);
    const expiredLongAgo = await deviceToken(-40, null);
    const revokedLongAgo = await deviceToken(200, 35);
    const live = await deviceToken(20, null);
    const revokedRecently = await deviceToken(200, 3);

    const pruned = await h.running!.app.get(GatewayRetention).prune();
    expect(pruned).toEqual({ authentications: 2, deviceTokens: 2 });

    const ids = (rows: { id: string }[]) => rows.map((r) => r.id).sort();
    expect(ids(await h.query<{ id: string }>('SELECT id FROM authentications'))).toEqual([recent].sort());
    expect(ids(await h.query<{ id: string }>('SELECT id FROM device_tokens'))).toEqual(
      [live, revokedRecently].sort(),
    );
    expect([oldSucceeded, oldAbandoned, expiredLongAgo, revokedLongAgo]).toHaveLength(4);
  });
});
