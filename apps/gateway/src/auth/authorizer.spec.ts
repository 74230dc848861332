import { randomBytes, randomUUID } from 'node:crypto';
import { KeyedHasher } from '@portcullis/crypto';
import type { DomainError } from '@portcullis/errors';
import { createLogger } from '@portcullis/observability';
import {
  type ApiKeyCredential,
  ApiKeyHasher,
  ApiKeyStore,
  type ApiKeyView,
  generateApiKey,
  type NewApiKey,
} from './api-key';
import { endUserNetwork, GatewayAuthorizer } from './authorizer';
import { actorOf, type Principal, type Scope } from './principal';
import { InMemoryRateLimiter } from './rate-limiter';

class InMemoryApiKeys extends ApiKeyStore {
  readonly rows = new Map<string, ApiKeyCredential>();
  touches: string[] = [];

  async insert(key: NewApiKey): Promise<ApiKeyView> {
    const row = { ...key, createdAt: new Date() };
    this.rows.set(key.id, row);
    return row;
  }
  async credential(id: string) {
    return this.rows.get(id);
  }
  async list(tenantId: string) {
    return [...this.rows.values()].filter((k) => k.tenantId === tenantId);
  }
  async revoke(tenantId: string, id: string) {
    const row = this.rows.get(id);
    if (!row || row.tenantId !== tenantId) return undefined;
    const revoked = { ...row, revokedAt: row.revokedAt ?? new Date() };
    this.rows.set(id, revoked);
    return revoked;
  }
  async touch(id: string) {
    this.touches.push(id);
  }
}

async function failure(promise: Promise<unknown> | (() => unknown)): Promise<DomainError> {
  try {
    await (typeof promise === 'function' ? promise() : promise);
  } catch (error) {
    return error as DomainError;
  }
  throw new Error('expected a failure');
}

describe('GatewayAuthorizer', () => {
  const operatorToken = randomBytes(32).toString('base64url');
  const hasher = new ApiKeyHasher(new KeyedHasher(randomBytes(32)));
  const tenantA = randomUUID();
  const tenantB = randomUUID();
  let keys: InMemoryApiKeys;
  let authorizer: GatewayAuthorizer;

  async function issue(tenantId: string, scope: Scope): Promise<string> {
    const { id, key, prefix } = generateApiKey();
    await keys.insert({ id, tenantId, name: 'k', scope, keyHash: hasher.hash(key), prefix });
    return key;
  }

  beforeEach(() => {
    keys = new InMemoryApiKeys();
    authorizer = new GatewayAuthorizer(
      { operatorToken, rateLimitPerKey: 3, rateLimitPerEndUserIp: 2 },
      keys,
      hasher,
      new InMemoryRateLimiter(),
      createLogger({ service: 'test', level: 'silent' }),
    );
  });

  it('recognises the operator token and tenant keys, and names their actors', async () => {
    const operator = await authorizer.authenticate(`Bearer ${operatorToken}`);
    expect(operator).toEqual({ kind: 'operator' });
    expect(actorOf(operator)).toBe('admin');
    const key = await issue(tenantA, 'runtime');
    const principal = await authorizer.authenticate(`Bearer ${key}`);
    expect(principal).toMatchObject({ kind: 'api_key', tenantId: tenantA, scope: 'runtime' });
    expect(actorOf(principal)).toMatch(/^api_key:[A-Za-z0-9_-]{22}$/);
  });

  it('refuses missing, malformed, unknown, tampered and revoked credentials alike', async () => {
    const revoked = await issue(tenantA, 'admin');
    const id = revoked.slice(4, 26);
    await keys.revoke(tenantA, id);
    const good = await issue(tenantA, 'admin');
    const tampered = `${good.slice(0, -1)}${good.endsWith('A') ? 'B' : 'A'}`;
    const errors = await Promise.all(
      [
        undefined,
        '',
        'Bearer',
        `Basic ${operatorToken}`,
        `Bearer ${operatorToken}x`,
        'Bearer pcs_nope',
        `Bearer ${generateApiKey().key}`,
        `Bearer ${tampered}`,
        `Bearer ${revoked}`,
        `Bearer ${'a'.repeat(5000)}`,
      ].map((header) => failure(authorizer.authenticate(header))),
    );
    for (const error of errors) {
      expect([error.kind, error.code, error.message]).toEqual([
        'UNAUTHENTICATED',
        'UNAUTHENTICATED',
        'A valid Bearer credential is required',
      ]);
    }
  });

  it('lets the operator do everything, and keys only their scope in their own tenant', async () => {
    const operator: Principal = { kind: 'operator' };
    for (const need of ['operator', 'admin', 'runtime'] as const) {
      expect(() => authorizer.authorize(operator, undefined, need)).not.toThrow();
      expect(() => authorizer.authorize(operator, tenantB, need)).not.toThrow();
    }
    const admin: Principal = { kind: 'api_key', keyId: 'a', tenantId: tenantA, scope: 'admin' };
    const runtime: Principal = { kind: 'api_key', keyId: 'r', tenantId: tenantA, scope: 'runtime' };
    authorizer.authorize(admin, tenantA, 'admin');
    authorizer.authorize(admin, tenantA.toUpperCase(), 'runtime');
    authorizer.authorize(runtime, tenantA, 'runtime');
    const code = async (f: () => void) => {
      const e = await failure(f);
      return `${e.kind}/${e.code}`;
    };
    expect(await code(() => authorizer.authorize(runtime, tenantA, 'admin'))).toBe(
      'PERMISSION_DENIED/INSUFFICIENT_SCOPE',
    );
    expect(await code(() => authorizer.authorize(admin, undefined, 'operator'))).toBe(
      'PERMISSION_DENIED/INSUFFICIENT_SCOPE',
    );
    expect(await code(() => authorizer.authorize(admin, tenantB, 'runtime'))).toBe(
      'PERMISSION_DENIED/TENANT_MISMATCH',
    );
    expect(await code(() => authorizer.authorize(admin, undefined, 'runtime'))).toBe(
      'PERMISSION_DENIED/TENANT_MISMATCH',
    );
    expect(await code(() => authorizer.authorize(runtime, '', 'runtime'))).toBe(
      'PERMISSION_DENIED/TENANT_MISMATCH',
    );
  });

  it('charges every authentication to its principal (the operator too), not to failed attempts', async () => {
    const key = await issue(tenantA, 'runtime');
    for (let i = 0; i < 3; i++) await authorizer.authenticate(`Bearer ${key}`);
    expect((await failure(authorizer.authenticate(`Bearer ${key}`))).code).toBe('RATE_LIMITED');
    for (let i = 0; i < 3; i++) await authorizer.authenticate(`Bearer ${operatorToken}`);
    const limited = await failure(authorizer.authenticate(`Bearer ${operatorToken}`));
    expect(limited.details.retryAfterSeconds).toBeGreaterThan(0);
    const other = await issue(tenantA, 'runtime');
    for (let i = 0; i < 5; i++) await failure(authorizer.authenticate(`Bearer ${other.slice(0, -2)}xx`));
    await authorizer.authenticate(`Bearer ${other}`);
  });

  it('records a key use at most once a minute', async () => {
    const key = await issue(tenantA, 'runtime');
    await authorizer.authenticate(`Bearer ${key}`);
    await authorizer.authenticate(`Bearer ${key}`);
    expect(keys.touches).toHaveLength(1);
  });

  it('limits end-user IPs per tenant, IPv6 per /64, IPv4-mapped as IPv4', async () => {
    authorizer.limitEndUserIp(tenantA, '2001:db8:1:2::1');
    authorizer.limitEndUserIp(tenantA, '2001:db8:1:2:ffff::9');
    expect((await failure(() => authorizer.limitEndUserIp(tenantA, '2001:db8:1:2::7'))).code).toBe(
      'RATE_LIMITED',
    );
    authorizer.limitEndUserIp(tenantB, '2001:db8:1:2::1');
    authorizer.limitEndUserIp(tenantA, '2001:db8:1:3::1');
    authorizer.limitEndUserIp(tenantA, '::ffff:192.0.2.1');
    authorizer.limitEndUserIp(tenantA, '192.0.2.1');
    expect(() => authorizer.limitEndUserIp(tenantA, '192.0.2.1')).toThrow();
    authorizer.limitEndUserIp(tenantA, undefined);
    expect(endUserNetwork('::ffff:192.0.2.1')).toBe('192.0.2.1');
    expect(endUserNetwork('2001:db8:1:2:3:4:5:6')).toBe('2001:db8:1:2::/64');
  });
});
