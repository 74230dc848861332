import { identityV1 } from '@portcullis/contracts';
import { Argon2PasswordHasher } from '../src/crypto/argon2-password-hasher';
import { PasswordFailureRetention } from '../src/persistence/password-failure-retention';
import { failure, IdentityHarness, type Login } from './identity-harness';

const { PASSWORD_RESULT_VALID, PASSWORD_RESULT_INVALID, PASSWORD_RESULT_THROTTLED } =
  identityV1.PasswordResult;
const PASSWORD = 'correct horse battery staple';
const HOME = '192.0.2.10';
const ATTACKER = '198.51.100.66';

/** Passwords against real PostgreSQL: argon2id at rest, policy, no enumeration, atomic throttling. */
describe('identity: passwords', () => {
  const h = new IdentityHarness();
  /** Every password a test sent: none may reach a log line or an event. */
  const sent = new Set<string>();
  const setPassword = (userId: string, password: string) => {
    sent.add(password);
    return h.setPassword(userId, password);
  };
  const verify = (login: Login, password: string, ip?: string) => {
    sent.add(password);
    return h.verify(login, password, ip);
  };
  const userWithPassword = async () => {
    const user = await h.createUser();
    await setPassword(user.id, PASSWORD);
    return user;
  };

  beforeAll(async () => {
    await h.start();
  });
  afterAll(async () => {
    await h.stop();
  });

  it('stores an argon2id hash (m=19456 KiB, t=2, p=1) and emits identity.password.set without it', async () => {
    const user = await h.createUser();
    expect(user.hasPassword).toBe(false);
    await expect(setPassword(user.id, PASSWORD)).resolves.toEqual({});
    const [row] = await h.query<{ hash: string }>(
      'SELECT hash FROM password_credentials WHERE user_id = $1',
      [user.id],
    );
    expect(row.hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    const { user: fetched } = await h.client.call('getUser', { tenantId: h.tenantId, userId: user.id });
    expect(fetched?.hasPassword).toBe(true);

    const events = (await h.events('identity.password.set')).filter((e) => e.payload['userId'] === user.id);
    expect(events).toHaveLength(1);
    expect(events[0].key).toBe(`${h.tenantId}:${user.id}`);
    expect(Object.keys(events[0].payload).sort()).toEqual(['setTime', 'tenantId', 'userId']);
    expect(events[0].raw.toString('latin1')).not.toContain(PASSWORD);
    expect(events[0].raw.toString('latin1')).not.toContain(row.hash.split('$').pop()!);
  });

  it('verifies by user id, external id and email (any case), returning the user', async () => {
    const user = await userWithPassword();
    for (const login of [
      { userId: user.id },
      { externalId: user.externalId },
      { email: user.email.toUpperCase() },
    ]) {
      const response = await verify(login, PASSWORD);
      expect(response).toMatchObject({ result: PASSWORD_RESULT_VALID, retryAfterSeconds: 0 });
      expect(response.user).toMatchObject({ id: user.id, hasPassword: true });
    }
  });

  it('answers a wrong password, an unknown login and a user without a password with one identical response (SECURITY.md 26)', async () => {
    const user = await userWithPassword();
    const passwordless = await h.createUser();
    const wrong = await verify({ userId: user.id }, 'Tr0ub4dor&3');
    expect(wrong).toEqual({ result: PASSWORD_RESULT_INVALID, user: undefined, retryAfterSeconds: 0 });
    for (const login of [
      { email: 'nobody@example.com' },
      { externalId: 'no-such-customer' },
      { userId: '00000000-0000-4000-8000-000000000000' },
      { userId: passwordless.id },
      { email: passwordless.email },
    ]) {
      expect(await verify(login, 'Tr0ub4dor&3')).toEqual(wrong);
    }
  });

  it('runs argon2 for unknown logins too, so their timing is like a wrong password’s', async () => {
    const user = await userWithPassword();
    const once = async (work: () => Promise<unknown>) => {
      const started = process.hrtime.bigint();
      await work();
      return Number(process.hrtime.bigint() - started) / 1e6;
    };
    const median = (values: number[]) =>
      [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;
    // Interleaved and compared by medians, so a burst of load on a shared machine skews neither side.
    const known: number[] = [];
    const unknown: number[] = [];
    const argon2: number[] = [];
    // Five each: below the per-user and per-network throttles, so every one runs argon2.
    for (let i = 0; i < 5; i += 1) {
      known.push(await once(() => verify({ userId: user.id }, `wrong-guess-${i}`, '203.0.113.1')));
      unknown.push(
        await once(() => verify({ email: 'ghost@example.com' }, `wrong-guess-${i}`, '203.0.113.2')),
      );
      // A verification costs about as much as an argon2id hash; without the dummy check an unknown
      // login would answer in a fraction of that.
      argon2.push(await once(() => new Argon2PasswordHasher().hash('calibration')));
    }
    expect(median(unknown)).toBeGreaterThan(median(argon2) * 0.5);
    expect(median(unknown)).toBeGreaterThan(median(known) * 0.5);
  });

  it('of 20 parallel wrong attempts from one network, exactly 10 are checked and 10 are THROTTLED (SECURITY.md 17)', async () => {
    const user = await userWithPassword();
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => verify({ userId: user.id }, `parallel-${i}`, ATTACKER)),
    );
    const count = (r: identityV1.PasswordResult) => results.filter((x) => x.result === r).length;
    expect([count(PASSWORD_RESULT_INVALID), count(PASSWORD_RESULT_THROTTLED)]).toEqual([10, 10]);
    for (const throttled of results.filter((x) => x.result === PASSWORD_RESULT_THROTTLED)) {
      expect(throttled.user).toBeUndefined();
      expect(throttled.retryAfterSeconds).toBeGreaterThan(890);
      expect(throttled.retryAfterSeconds).toBeLessThanOrEqual(900);
    }
    // The right password from that network is not even checked now.
    expect((await verify({ userId: user.id }, PASSWORD, ATTACKER)).result).toBe(PASSWORD_RESULT_THROTTLED);
  });

  it("cannot lock the owner out from another network, nor through another alias's network (SECURITY.md 20)", async () => {
    const user = await userWithPassword();
    for (let i = 0; i < 12; i += 1) await verify({ email: user.email }, `stuffing-${i}`, '198.51.100.77');
    // Same /24 as the attacker: throttled, whichever alias is used (SECURITY.md 18).
    expect((await verify({ externalId: user.externalId }, PASSWORD, '198.51.100.1')).result).toBe(
      PASSWORD_RESULT_THROTTLED,
    );
    // The owner at home (another /24) and over IPv6 signs in.
    expect((await verify({ email: user.email }, PASSWORD, HOME)).result).toBe(PASSWORD_RESULT_VALID);
    expect((await verify({ userId: user.id }, PASSWORD, '2001:db8:1::5')).result).toBe(PASSWORD_RESULT_VALID);
    const rows = await h.query<{ network: string }>(
      `SELECT network FROM password_failures WHERE subject = $1`,
      [`user:${user.id}`],
    );
    expect(rows.map((r) => r.network)).toEqual(['198.51.100.0/24']);
  });

  it('clears a network’s failures on a success, and frees a slot when the oldest failure leaves the window', async () => {
    const user = await userWithPassword();
    for (let i = 0; i < 9; i += 1) await verify({ userId: user.id }, `typo-${i}`);
    expect((await verify({ userId: user.id }, PASSWORD)).result).toBe(PASSWORD_RESULT_VALID);
    for (let i = 0; i < 10; i += 1) {
      expect((await verify({ userId: user.id }, `typo-again-${i}`)).result).toBe(PASSWORD_RESULT_INVALID);
    }
    expect((await verify({ userId: user.id }, PASSWORD)).result).toBe(PASSWORD_RESULT_THROTTLED);
    // Fifteen minutes later (the stored failure times moved back) the owner is checked again.
    await h.query(
      `UPDATE password_failures SET failed_at = ARRAY(SELECT a - interval '901 seconds' FROM unnest(failed_at) a)
       WHERE subject = $1`,
      [`user:${user.id}`],
    );
    expect((await verify({ userId: user.id }, PASSWORD)).result).toBe(PASSWORD_RESULT_VALID);
  });

  it('throttles an unknown login like a known one, counting it under a keyed hash of the login', async () => {
    const results: identityV1.PasswordResult[] = [];
    for (let i = 0; i < 11; i += 1)
      results.push((await verify({ email: 'phantom@example.com' }, `guess-${i}`)).result);
    expect(results).toEqual([
      ...Array<identityV1.PasswordResult>(10).fill(PASSWORD_RESULT_INVALID),
      PASSWORD_RESULT_THROTTLED,
    ]);
    const rows = await h.query<{ subject: string }>(
      `SELECT subject FROM password_failures WHERE subject LIKE 'login:%'`,
    );
    expect(rows.length).toBeGreaterThanOrEqual(1);
    expect(rows.every((r) => /^login:[0-9a-f]{64}$/.test(r.subject))).toBe(true);
    const all = JSON.stringify(await h.query('SELECT * FROM password_failures'));
    expect(all).not.toContain('phantom');
  });

  it('deletes counters whose last failure has left the window, and only those', async () => {
    const user = await userWithPassword();
    await verify({ userId: user.id }, 'stale guess', '203.0.113.50');
    await verify({ userId: user.id }, 'fresh guess', '198.18.7.1');
    const subject = `user:${user.id}`;
    await h.query(
      `UPDATE password_failures SET last_failed_at = last_failed_at - interval '901 seconds'
       WHERE subject = $1 AND network = '203.0.113.0/24'`,
      [subject],
    );
    expect(await h.service.app.get(PasswordFailureRetention).prune()).toBeGreaterThanOrEqual(1);
    const left = await h.query<{ network: string }>(
      'SELECT network FROM password_failures WHERE subject = $1',
      [subject],
    );
    expect(left).toEqual([{ network: '198.18.7.0/24' }]);
  });

  it.each([
    ['too short', 'Tr0ub4!', 'VALIDATION_FAILED', /password: must be at least 8 characters/],
    [
      'too long',
      'correct horse '.repeat(10),
      'VALIDATION_FAILED',
      /password: must be at most 128 characters/,
    ],
    ['common', 'Password123', 'PASSWORD_TOO_WEAK', /one of the most common passwords/],
    ['one character repeated', 'zzzzzzzzzzzzzzzz', 'PASSWORD_TOO_WEAK', /repeats a single character/],
  ])(
    'refuses a %s password with INVALID_ARGUMENT and its code, without echoing it',
    async (_n, password, code, message) => {
      const user = await h.createUser();
      const error = await failure(setPassword(user.id, password));
      expect(error).toMatchObject({ kind: 'INVALID_ARGUMENT', code });
      expect(error.message).toMatch(message);
      expect(error.message).not.toContain(password);
      expect(await h.query('SELECT 1 FROM password_credentials WHERE user_id = $1', [user.id])).toHaveLength(
        0,
      );
    },
  );

  it("refuses the user's own external id or email as a password", async () => {
    const user = await h.createUser();
    for (const own of [user.externalId, user.email]) {
      expect(await failure(h.setPassword(user.id, own))).toMatchObject({ code: 'PASSWORD_TOO_WEAK' });
    }
  });

  it('refuses SetPassword for an unknown user and VerifyPassword without a login', async () => {
    expect(await failure(setPassword('00000000-0000-4000-8000-000000000000', PASSWORD))).toMatchObject({
      code: 'USER_NOT_FOUND',
    });
    const error = await failure(
      h.client.call('verifyPassword', { tenantId: h.tenantId, password: PASSWORD, clientIp: HOME }),
    );
    expect(error).toMatchObject({ code: 'VALIDATION_FAILED' });
    expect(error.message).not.toContain(PASSWORD);
    expect(await failure(h.verify({ email: 'a@example.com' }, PASSWORD, 'not-an-ip'))).toMatchObject({
      code: 'VALIDATION_FAILED',
      message: expect.stringContaining('clientIp'),
    });
  });

  it('rehashes a hash made with weaker argon2 parameters on the next successful verification', async () => {
    const user = await h.createUser();
    const weak = await new Argon2PasswordHasher({ memoryCost: 1024, timeCost: 1, parallelism: 1 }).hash(
      PASSWORD,
    );
    await h.query(
      `INSERT INTO password_credentials (user_id, hash, created_at, updated_at) VALUES ($1, $2, now(), now())`,
      [user.id, weak],
    );
    expect((await verify({ userId: user.id }, 'wrong password')).result).toBe(PASSWORD_RESULT_INVALID);
    expect(
      (
        await h.query<{ hash: string }>('SELECT hash FROM password_credentials WHERE user_id = $1', [user.id])
      )[0].hash,
    ).toBe(weak);
    expect((await verify({ userId: user.id }, PASSWORD)).result).toBe(PASSWORD_RESULT_VALID);
    const [row] = await h.query<{ hash: string }>(
      'SELECT hash FROM password_credentials WHERE user_id = $1',
      [user.id],
    );
    expect(row.hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect((await verify({ userId: user.id }, PASSWORD)).result).toBe(PASSWORD_RESULT_VALID);
  });

  it('keeps passwords and hashes out of every log line, even at trace level and on internal errors (SECURITY.md 30)', async () => {
    const user = await h.createUser();
    // The INSERT of the hash fails: the database error (and its query parameters) is what the
    // service logs for an internal error.
    await h.query('ALTER TABLE password_credentials ADD CONSTRAINT refuse_all CHECK (false) NOT VALID');
    try {
      expect(await failure(setPassword(user.id, 'a passphrase that fails to save'))).toMatchObject({
        code: 'INTERNAL_ERROR',
        message: 'Internal error',
      });
    } finally {
      await h.query('ALTER TABLE password_credentials DROP CONSTRAINT refuse_all');
    }
    expect(h.logs.length).toBeGreaterThan(0);
    expect(h.logs.join('\n')).toContain('unhandled error in gRPC handler');
    const all = h.logs.join('\n');
    expect([...sent].filter((p) => all.includes(p))).toEqual([]);
    expect(all).not.toContain('$argon2');
    const events = JSON.stringify((await h.events()).map((e) => e.raw.toString('latin1')));
    expect([...sent].filter((p) => events.includes(p))).toEqual([]);
    expect(events).not.toContain('argon2');
  });
});
