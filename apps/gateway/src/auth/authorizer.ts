import { createHash, timingSafeEqual } from 'node:crypto';
import type { Logger } from '@portcullis/observability';
import ipaddr from 'ipaddr.js';
import { LRUCache } from 'lru-cache';
import { type ApiKeyHasher, apiKeyIdOf, type ApiKeyStore } from './api-key';
import { insufficientScope, tenantMismatch, unauthenticated } from './auth.errors';
import type { Principal, Scope } from './principal';
import type { RateLimiter } from './rate-limiter';

/**
 * Who is calling, and may they do this. Edges call `authenticate` first (before parsing, so an
 * unauthenticated caller learns nothing about the request's shape), then `authorize` with the
 * tenant id of the parsed request.
 */
export abstract class Authorizer {
  /**
   * The principal behind an `Authorization: Bearer …` header, charged one request of its
   * per-minute budget. UNAUTHENTICATED, always with the same message, for a missing, malformed,
   * unknown or revoked credential; RESOURCE_EXHAUSTED (RATE_LIMITED) over the budget.
   */
  abstract authenticate(authorization: string | undefined): Promise<Principal>;
  /**
   * PERMISSION_DENIED unless `principal` may act with `need` in `tenantId`: the operator may do
   * everything; a key only in its own tenant (TENANT_MISMATCH otherwise, and when the request
   * names no tenant), with `admin` covering `runtime` (INSUFFICIENT_SCOPE otherwise); `operator`
   * is the operator's alone.
   */
  abstract authorize(principal: Principal, tenantId: string | undefined, need: Scope | 'operator'): void;
  /**
   * Charges one request to the end user's IP address within a tenant (RATE_LIMIT_PER_END_USER_IP),
   * for the sign-in routes. IPv6 addresses count per /64, what one subscriber usually gets;
   * nothing is charged when the backend sent no address (the key's own budget still applies).
   */
  abstract limitEndUserIp(tenantId: string, ip: string | undefined): void;
}

export interface AuthorizerSettings {
  /** GATEWAY_ADMIN_TOKEN. */
  readonly operatorToken: string;
  readonly rateLimitPerKey: number;
  readonly rateLimitPerEndUserIp: number;
}

const OPERATOR: Principal = Object.freeze({ kind: 'operator' });
const BEARER = /^Bearer (.+)$/i;
/** Longer than any credential we issue or accept; refused before any work. */
const MAX_CREDENTIAL_LENGTH = 1024;
const TOUCH_INTERVAL_MS = 60_000;

const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();

/** The `Authorizer` of the gateway: the operator token, tenants' API keys, and per-key budgets. */
export class GatewayAuthorizer extends Authorizer {
  private readonly operatorDigest: Buffer;
  /** When each key's last use was written, so busy keys write at most once a minute. */
  private readonly touched = new LRUCache<string, number>({ max: 10_000 });

  constructor(
    private readonly settings: AuthorizerSettings,
    private readonly keys: ApiKeyStore,
    private readonly hasher: ApiKeyHasher,
    private readonly limiter: RateLimiter,
    private readonly logger: Logger,
  ) {
    super();
    this.operatorDigest = digest(settings.operatorToken);
  }

  async authenticate(authorization: string | undefined): Promise<Principal> {
    const credential = BEARER.exec(authorization ?? '')?.[1];
    if (!credential || credential.length > MAX_CREDENTIAL_LENGTH) throw unauthenticated();
    // Digests of equal length, compared in constant time: nothing about the token leaks by timing.
    if (timingSafeEqual(digest(credential), this.operatorDigest)) {
      this.limiter.take('operator', this.settings.rateLimitPerKey);
      return OPERATOR;
    }
    const id = apiKeyIdOf(credential);
    if (!id) throw unauthenticated();
    const key = await this.keys.credential(id);
    // The hash is checked even for unknown ids, so they cost what a wrong secret costs.
    const matches = this.hasher.matches(credential, key?.keyHash ?? '');
    if (!key || !matches || key.revokedAt) throw unauthenticated();
    this.limiter.take(`key:${key.id}`, this.settings.rateLimitPerKey);
    this.touch(key.id);
    return { kind: 'api_key', keyId: key.id, tenantId: key.tenantId, scope: key.scope };
  }

  authorize(principal: Principal, tenantId: string | undefined, need: Scope | 'operator'): void {
    if (principal.kind === 'operator') return;
    if (need === 'operator') throw insufficientScope('Only the platform operator may do this');
    // Tenant ids are UUIDs, which compare case-insensitively (PostgreSQL returns them lower-case).
    if (!tenantId || tenantId.toLowerCase() !== principal.tenantId.toLowerCase()) throw tenantMismatch();
    if (need === 'admin' && principal.scope !== 'admin') {
      throw insufficientScope('This needs an API key with the admin scope');
    }
  }

  limitEndUserIp(tenantId: string, ip: string | undefined): void {
    if (!ip) return;
    this.limiter.take(
      `ip:${tenantId.toLowerCase()}:${endUserNetwork(ip)}`,
      this.settings.rateLimitPerEndUserIp,
    );
  }

  private touch(id: string): void {
    const now = performance.now();
    const last = this.touched.get(id);
    if (last !== undefined && now - last < TOUCH_INTERVAL_MS) return;
    this.touched.set(id, now);
    this.keys.touch(id).catch((error: unknown) => {
      this.touched.delete(id);
      this.logger.warn({ err: error, keyId: id }, 'could not record the use of an API key');
    });
  }
}

/**
 * The address an end-user budget is kept for: the IPv4 address itself (IPv4-mapped IPv6 counts
 * as IPv4), the /64 of an IPv6 address; anything unparsable as it is (the edges validate first).
 */
export function endUserNetwork(ip: string): string {
  const text = ip.trim();
  if (!ipaddr.isValid(text)) return text.slice(0, 64);
  let address = ipaddr.parse(text);
  if (address.kind() === 'ipv6' && (address as ipaddr.IPv6).isIPv4MappedAddress()) {
    address = (address as ipaddr.IPv6).toIPv4Address();
  }
  if (address.kind() === 'ipv4') return address.toString();
  const bytes = address.toByteArray().slice(0, 8).concat(new Array<number>(8).fill(0));
  return `${ipaddr.fromByteArray(bytes).toString()}/64`;
}
