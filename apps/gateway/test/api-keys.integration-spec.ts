import { randomUUID } from 'node:crypto';
import { eventually } from '@portcullis/testing';
import { GatewayHarness, type HttpAnswer } from './gateway-harness';

const keysPath = (tenantId: string) => `/v1/tenants/${tenantId}/api-keys`;
const problem = (answer: HttpAnswer) => `${answer.status} ${answer.body?.code}`;

describe('gateway: tenant API keys, scopes, revocation, rate limits and idempotency', () => {
  const one = new GatewayHarness();
  /** A second instance on the same database, with the same secrets. */
  const two = new GatewayHarness();
  const tenantA = randomUUID();
  const tenantB = randomUUID();
  /** Every key secret issued, to prove none reaches the database or the logs. */
  const secrets = new Set<string>();

  beforeAll(async () => {
    await one.start();
    await two.start({}, one);
  });
  afterAll(async () => {
    await two.stop(false);
    await one.stop();
  });

  async function createKey(
    scope: 'admin' | 'runtime',
    options: { tenantId?: string; token?: string; name?: string } = {},
  ): Promise<{ id: string; secret: string; answer: HttpAnswer }> {
    const answer = await one.request('POST', keysPath(options.tenantId ?? tenantA), {
      token: options.token ?? one.adminToken,
      body: { name: options.name ?? `${scope} key`, scope },
    });
    expect(answer.status).toBe(201);
    secrets.add(answer.body.secret);
    return { id: answer.body.key.id, secret: answer.body.secret, answer };
  }

  const countKeys = async (name: string) =>
    Number(
      (await one.query<{ n: string }>('SELECT count(*) AS n FROM api_keys WHERE name = $1', [name]))[0]?.n,
    );

  it('lets the operator create admin and runtime keys: the secret is shown once and stored only as a keyed hash', async () => {
    const admin = await createKey('admin', { name: 'backend admin' });
    const runtime = await createKey('runtime', { name: 'backend runtime' });

    expect(admin.answer.headers.get('cache-control')).toBe('no-store');
    expect(admin.answer.body).toEqual({
      key: {
        id: expect.stringMatching(/^[A-Za-z0-9_-]{22}$/),
        tenantId: tenantA,
        name: 'backend admin',
        scope: 'admin',
        prefix: admin.secret.slice(0, 12),
        createTime: expect.any(String),
      },
      secret: expect.stringMatching(/^pcs_[A-Za-z0-9_-]{22}_[A-Za-z0-9_-]{43}$/),
    });
    expect(admin.secret.startsWith(`pcs_${admin.id}_`)).toBe(true);
    expect(runtime.answer.body.key.scope).toBe('runtime');

    // The last use is written after the answer (not on the request's path): read until it is.
    const list = await eventually(async () => {
      const answer = await one.request('GET', keysPath(tenantA), { token: admin.secret });
      expect(answer.status).toBe(200);
      const listed = answer.body.keys.filter((k: { id: string }) => [admin.id, runtime.id].includes(k.id));
      expect(listed).toEqual([
        { ...admin.answer.body.key, lastUseTime: expect.any(String) },
        runtime.answer.body.key,
      ]);
      return answer;
    });
    for (const secret of [admin.secret, runtime.secret]) {
      expect(list.text).not.toContain(secret);
      expect(list.text).not.toContain(secret.slice(27));
    }
    expect(list.text).not.toMatch(/secret|hash/i);

    const rows = await one.query<{ row: string; key_hash: string }>(
      'SELECT row_to_json(k)::text AS row, key_hash FROM api_keys k WHERE id = ANY($1)',
      [[admin.id, runtime.id]],
    );
    expect(rows).toHaveLength(2);
    for (const { row, key_hash } of rows) {
      expect(key_hash).toMatch(/^[0-9a-f]{64}$/);
      for (const secret of [admin.secret, runtime.secret]) expect(row).not.toContain(secret.slice(27));
    }
  });

  it('keeps runtime keys from managing keys or anything else of admin scope (403 INSUFFICIENT_SCOPE)', async () => {
    const runtime = await createKey('runtime');
    const victim = await createKey('runtime');
    const token = runtime.secret;
    expect(problem(await one.request('GET', keysPath(tenantA), { token }))).toBe('403 INSUFFICIENT_SCOPE');
    expect(
      problem(await one.request('POST', keysPath(tenantA), { token, body: { name: 'x', scope: 'runtime' } })),
    ).toBe('403 INSUFFICIENT_SCOPE');
    expect(problem(await one.request('DELETE', `${keysPath(tenantA)}/${victim.id}`, { token }))).toBe(
      '403 INSUFFICIENT_SCOPE',
    );
    expect(problem(await one.request('GET', `/v1/tenants/${tenantA}/factor-policy`, { token }))).toBe(
      '403 INSUFFICIENT_SCOPE',
    );
    expect(
      problem(await one.request('PUT', `/v1/tenants/${tenantA}/factor-policy`, { token, body: {} })),
    ).toBe('403 INSUFFICIENT_SCOPE');
    expect(problem(await one.request('GET', `/v1/audit/events?tenantId=${tenantA}`, { token }))).toBe(
      '403 INSUFFICIENT_SCOPE',
    );
    const userId = randomUUID();
    expect(
      problem(
        await one.request('POST', `/v1/users/${userId}/factors/reset`, {
          token,
          body: { tenantId: tenantA, reason: 'lost phone' },
        }),
      ),
    ).toBe('403 INSUFFICIENT_SCOPE');
    const victimList = await one.request('GET', keysPath(tenantA), { token: one.adminToken });
    expect(victimList.body.keys.find((k: { id: string }) => k.id === victim.id).revokeTime).toBeUndefined();
  });

  it("confines a tenant's admin key to its own tenant (403 TENANT_MISMATCH), and tenant creation to the operator", async () => {
    const adminA = await createKey('admin');
    const keyB = await createKey('runtime', { tenantId: tenantB });
    const token = adminA.secret;
    expect(problem(await one.request('GET', keysPath(tenantB), { token }))).toBe('403 TENANT_MISMATCH');
    expect(
      problem(await one.request('POST', keysPath(tenantB), { token, body: { name: 'x', scope: 'admin' } })),
    ).toBe('403 TENANT_MISMATCH');
    expect(problem(await one.request('DELETE', `${keysPath(tenantB)}/${keyB.id}`, { token }))).toBe(
      '403 TENANT_MISMATCH',
    );
    // Its own tenant's id does not reach another tenant's key either.
    expect(problem(await one.request('DELETE', `${keysPath(tenantA)}/${keyB.id}`, { token }))).toBe(
      '404 API_KEY_NOT_FOUND',
    );
    // The migrated routes check the tenant before reaching any peer.
    expect(problem(await one.request('GET', `/v1/tenants/${tenantB}/factor-policy`, { token }))).toBe(
      '403 TENANT_MISMATCH',
    );
    expect(
      problem(await one.request('GET', `/v1/users?tenantId=${tenantB}&externalId=someone`, { token })),
    ).toBe('403 TENANT_MISMATCH');
    expect(
      problem(
        await one.request('POST', '/v1/challenges', {
          token: keyB.secret,
          body: { tenantId: tenantA, authenticationId: 'a-1' },
        }),
      ),
    ).toBe('403 TENANT_MISMATCH');
    expect(problem(await one.request('POST', '/v1/tenants', { token, body: { name: 'Acme' } }))).toBe(
      '403 INSUFFICIENT_SCOPE',
    );

    const keysOfB = await one.request('GET', keysPath(tenantB), { token: one.adminToken });
    expect(keysOfB.body.keys.map((k: { id: string; revokeTime?: string }) => [k.id, k.revokeTime])).toEqual([
      [keyB.id, undefined],
    ]);
  });

  it('answers missing, malformed, unknown, wrong and revoked credentials with one identical 401', async () => {
    const revoked = await createKey('admin');
    expect(
      (await one.request('DELETE', `${keysPath(tenantA)}/${revoked.id}`, { token: one.adminToken })).status,
    ).toBe(200);
    const good = await createKey('admin');
    const wrongSecret = `${good.secret.slice(0, 27)}${'A'.repeat(43)}`;
    const unknown = `pcs_${'B'.repeat(22)}_${'C'.repeat(43)}`;
    const attempts = [
      {},
      { authorization: '' },
      { authorization: 'Bearer' },
      { authorization: `Basic ${one.adminToken}` },
      { authorization: `Bearer ${one.adminToken}x` },
      { token: 'pcs_short_secret' },
      { token: unknown },
      { token: wrongSecret },
      { token: revoked.secret },
    ];
    const answers = await Promise.all(
      attempts.map((options) => one.request('GET', keysPath(tenantA), options)),
    );
    for (const answer of answers) {
      expect(answer.status).toBe(401);
      expect(answer.text).toBe(answers[0].text);
    }
    expect(answers[0].body).toMatchObject({
      code: 'UNAUTHENTICATED',
      detail: 'A valid Bearer credential is required',
    });
    expect((await one.request('GET', keysPath(tenantA), { token: good.secret })).status).toBe(200);
  });

  it('stops a revoked key at once on the instance that revoked it and, through NOTIFY, on another that had cached it', async () => {
    const key = await createKey('admin', { name: 'to rotate' });
    const use = (gateway: GatewayHarness) => gateway.request('GET', keysPath(tenantA), { token: key.secret });
    expect((await use(one)).status).toBe(200);
    expect((await use(two)).status).toBe(200);

    // Both instances now serve the key from their caches: a change behind their backs is not seen…
    await one.query('UPDATE api_keys SET revoked_at = now() WHERE id = $1', [key.id]);
    expect((await use(two)).status).toBe(200);

    // …but a revocation through the API evicts it everywhere.
    const revoked = await one.request('DELETE', `${keysPath(tenantA)}/${key.id}`, { token: one.adminToken });
    expect(revoked.status).toBe(200);
    expect(revoked.body.key).toMatchObject({ id: key.id, revokeTime: expect.any(String) });
    expect(problem(await use(one))).toBe('401 UNAUTHENTICATED');
    const started = Date.now();
    await eventually(async () => expect(problem(await use(two))).toBe('401 UNAUTHENTICATED'), {
      timeoutMs: 2_000,
      intervalMs: 10,
    });
    expect(Date.now() - started).toBeLessThan(2_000);

    // Revoking again changes nothing.
    const again = await two.request('DELETE', `${keysPath(tenantA)}/${key.id}`, { token: one.adminToken });
    expect(again.status).toBe(200);
    expect(again.body).toEqual(revoked.body);
    expect(
      problem(
        await one.request('DELETE', `${keysPath(tenantA)}/${'Z'.repeat(22)}`, { token: one.adminToken }),
      ),
    ).toBe('404 API_KEY_NOT_FOUND');
    expect(
      problem(await one.request('DELETE', `${keysPath(tenantA)}/not-a-key`, { token: one.adminToken })),
    ).toBe('400 VALIDATION_FAILED');
  });

  it('limits requests per key and minute, per instance, and says when to retry (429 RATE_LIMITED, Retry-After)', async () => {
    const limited = new GatewayHarness();
    await limited.start({ RATE_LIMIT_PER_KEY: '5' }, one);
    try {
      const admin = await createKey('admin');
      for (let i = 0; i < 5; i++) {
        expect((await limited.request('GET', keysPath(tenantA), { token: one.adminToken })).status).toBe(200);
      }
      const refused = await limited.request('GET', keysPath(tenantA), { token: one.adminToken });
      expect(problem(refused)).toBe('429 RATE_LIMITED');
      expect(refused.body.retryAfterSeconds).toBeGreaterThanOrEqual(1);
      expect(refused.body.retryAfterSeconds).toBeLessThanOrEqual(12);
      expect(refused.headers.get('retry-after')).toBe(String(refused.body.retryAfterSeconds));
      // Budgets are per principal: another key is untouched.
      expect((await limited.request('GET', keysPath(tenantA), { token: admin.secret })).status).toBe(200);
    } finally {
      await limited.stop(false);
    }
  });

  describe('Idempotency-Key on POST', () => {
    const post = (
      idempotencyKey: string,
      body: unknown,
      options: { tenantId?: string; token?: string; gateway?: GatewayHarness } = {},
    ) =>
      (options.gateway ?? one).request('POST', keysPath(options.tenantId ?? tenantA), {
        token: options.token ?? one.adminToken,
        headers: { 'idempotency-key': idempotencyKey },
        body,
      });

    it('replays a repeated request: same status and body, one key created, sealed at rest', async () => {
      const idempotencyKey = randomUUID();
      const body = { name: 'idempotent', scope: 'runtime' };
      const first = await post(idempotencyKey, body);
      expect(first.status).toBe(201);
      expect(first.headers.get('idempotent-replayed')).toBeNull();
      secrets.add(first.body.secret);
      const again = await post(idempotencyKey, body);
      const elsewhere = await post(idempotencyKey, body, { gateway: two });
      for (const replay of [again, elsewhere]) {
        expect(replay.status).toBe(201);
        expect(replay.headers.get('idempotent-replayed')).toBe('true');
        expect(replay.text).toBe(first.text);
      }
      expect(await countKeys('idempotent')).toBe(1);

      const [record] = await one.query<{ row: string; status: number }>(
        'SELECT row_to_json(r)::text AS row, status FROM idempotency_records r WHERE key = $1',
        [idempotencyKey],
      );
      expect(record?.status).toBe(201);
      expect(record?.row).not.toContain(first.body.secret.slice(27));
      expect(record?.row).not.toContain('idempotent');
    });

    it('refuses the key for a different request (400 IDEMPOTENCY_KEY_REUSED); another caller has its own keys', async () => {
      const idempotencyKey = randomUUID();
      expect((await post(idempotencyKey, { name: 'reused', scope: 'runtime' })).status).toBe(201);
      expect(problem(await post(idempotencyKey, { name: 'reused', scope: 'admin' }))).toBe(
        '400 IDEMPOTENCY_KEY_REUSED',
      );
      expect(
        problem(await post(idempotencyKey, { name: 'reused', scope: 'runtime' }, { tenantId: tenantB })),
      ).toBe('400 IDEMPOTENCY_KEY_REUSED');
      const admin = await createKey('admin');
      const theirs = await post(
        idempotencyKey,
        { name: 'reused', scope: 'runtime' },
        { token: admin.secret },
      );
      expect(theirs.status).toBe(201);
      expect(theirs.headers.get('idempotent-replayed')).toBeNull();
      secrets.add(theirs.body.secret);
      expect(await countKeys('reused')).toBe(2);
    });

    it('creates exactly one key from concurrent duplicates; the others replay it or are told to wait (409)', async () => {
      const idempotencyKey = randomUUID();
      const answers = await Promise.all(
        Array.from({ length: 12 }, (_, i) =>
          post(idempotencyKey, { name: 'concurrent', scope: 'runtime' }, { gateway: i % 2 ? two : one }),
        ),
      );
      const created = answers.filter((a) => a.status === 201);
      const waiting = answers.filter((a) => a.status !== 201);
      expect(created.length).toBeGreaterThanOrEqual(1);
      expect(new Set(created.map((a) => a.body.key.id)).size).toBe(1);
      for (const answer of waiting) expect(problem(answer)).toBe('409 IDEMPOTENCY_IN_PROGRESS');
      created.forEach((a) => secrets.add(a.body.secret));
      expect(await countKeys('concurrent')).toBe(1);
      const later = await post(idempotencyKey, { name: 'concurrent', scope: 'runtime' });
      expect(later.body.key.id).toBe(created[0].body.key.id);
    });

    it('runs a failed request again when it is retried (failures are not stored)', async () => {
      const idempotencyKey = randomUUID();
      expect(problem(await post(idempotencyKey, { name: '', scope: 'admin' }))).toBe('400 VALIDATION_FAILED');
      const unauthenticated = randomUUID();
      expect(
        problem(await post(unauthenticated, { name: 'retried', scope: 'admin' }, { token: 'nope' })),
      ).toBe('401 UNAUTHENTICATED');
      expect(
        await one.query('SELECT 1 FROM idempotency_records WHERE key = ANY($1)', [
          [idempotencyKey, unauthenticated],
        ]),
      ).toEqual([]);
      // The corrected request runs (it would be IDEMPOTENCY_KEY_REUSED had the failure been kept).
      const retried = await post(idempotencyKey, { name: 'retried', scope: 'admin' });
      expect(retried.status).toBe(201);
      expect(retried.headers.get('idempotent-replayed')).toBeNull();
      secrets.add(retried.body.secret);
      expect(await countKeys('retried')).toBe(1);
    });

    it('replays nothing to a key revoked since', async () => {
      const admin = await createKey('admin');
      const idempotencyKey = randomUUID();
      const first = await post(
        idempotencyKey,
        { name: 'before revocation', scope: 'runtime' },
        { token: admin.secret },
      );
      expect(first.status).toBe(201);
      secrets.add(first.body.secret);
      await one.request('DELETE', `${keysPath(tenantA)}/${admin.id}`, { token: one.adminToken });
      const replay = await post(
        idempotencyKey,
        { name: 'before revocation', scope: 'runtime' },
        { token: admin.secret },
      );
      expect(problem(replay)).toBe('401 UNAUTHENTICATED');
      expect(replay.text).not.toContain(first.body.secret);
    });

    it('ignores records older than 24 hours, and prunes them', async () => {
      const idempotencyKey = randomUUID();
      const body = { name: 'day old', scope: 'runtime' };
      const first = await post(idempotencyKey, body);
      secrets.add(first.body.secret);
      await one.query(
        "UPDATE idempotency_records SET created_at = created_at - interval '25 hours' WHERE key = $1",
        [idempotencyKey],
      );
      const second = await post(idempotencyKey, body);
      expect(second.status).toBe(201);
      expect(second.headers.get('idempotent-replayed')).toBeNull();
      expect(second.body.key.id).not.toBe(first.body.key.id);
      secrets.add(second.body.secret);
      expect(await countKeys('day old')).toBe(2);

      // Pruning runs now and then on each instance, the first time with its first idempotent POST.
      const stale = randomUUID();
      await one.query(
        `INSERT INTO idempotency_records (principal, key, request_hash, status, response, created_at)
         VALUES ('p', $1, 'h', 201, '"x"', now() - interval '25 hours')`,
        [stale],
      );
      const fresh = new GatewayHarness();
      await fresh.start({}, one);
      try {
        const answer = await post(
          randomUUID(),
          { name: 'trigger prune', scope: 'runtime' },
          { gateway: fresh },
        );
        secrets.add(answer.body.secret);
        await eventually(async () =>
          expect(await one.query('SELECT 1 FROM idempotency_records WHERE key = $1', [stale])).toEqual([]),
        );
      } finally {
        await fresh.stop(false);
      }
    });

    it('refuses malformed keys (400) and leaves other methods alone', async () => {
      for (const bad of ['a'.repeat(256), 'caf\u00e9', 'tab\there']) {
        const answer = await post(bad, { name: 'malformed', scope: 'runtime' });
        expect(problem(answer)).toBe('400 VALIDATION_FAILED');
        expect(answer.body.errors).toEqual([{ field: 'Idempotency-Key', description: expect.any(String) }]);
      }
      expect(await countKeys('malformed')).toBe(0);
      const get = await one.request('GET', keysPath(tenantA), {
        token: one.adminToken,
        headers: { 'idempotency-key': 'caf\u00e9' },
      });
      expect(get.status).toBe(200);
      expect((await post('a'.repeat(255), { name: 'longest key', scope: 'runtime' })).status).toBe(201);
    });
  });

  it('never writes a key secret to the logs or the database', async () => {
    expect(secrets.size).toBeGreaterThan(10);
    const logs = [...one.logs, ...two.logs].join('\n');
    expect(logs).toContain('API key created');
    const tables = await one.query<{ dump: string }>(
      `SELECT (SELECT coalesce(string_agg(row_to_json(k)::text, ''), '') FROM api_keys k) ||
              (SELECT coalesce(string_agg(row_to_json(r)::text, ''), '') FROM idempotency_records r) AS dump`,
    );
    for (const secret of secrets) {
      const secretPart = secret.slice(27);
      expect(logs).not.toContain(secretPart);
      expect(tables[0].dump).not.toContain(secretPart);
    }
  });
});
