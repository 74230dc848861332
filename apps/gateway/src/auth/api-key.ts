import { randomBytes } from 'node:crypto';
import type { KeyedHasher } from '@portcullis/crypto';
import type { Scope } from './principal';

/**
 * Tenant API keys: `pcs_<id>_<secret>`, the id 16 random bytes and the secret 32, both base64url.
 * base64url may itself contain `_`, so the fixed lengths (22 and 43 characters), not the
 * separators, delimit the parts. The id is the row's key; the whole key is stored only as a keyed
 * hash (HMAC-SHA256 with GATEWAY_API_KEY_PEPPER), so a copy of the database authenticates nothing.
 */
const ID_BYTES = 16;
const SECRET_BYTES = 32;
const ID_CHARS = 22;
const SECRET_CHARS = 43;
const KEY_FORMAT = new RegExp(`^pcs_([A-Za-z0-9_-]{${ID_CHARS}})_([A-Za-z0-9_-]{${SECRET_CHARS}})$`);

/** The id part alone, as it appears in URLs (`DELETE …/api-keys/{keyId}`). */
export const API_KEY_ID = new RegExp(`^[A-Za-z0-9_-]{${ID_CHARS}}$`);

/** Characters shown to recognise a key: `pcs_` and the first 8 of its id. */
export const API_KEY_PREFIX_LENGTH = 12;

export interface GeneratedApiKey {
  readonly id: string;
  /** The whole key, returned to the caller once and never stored. */
  readonly key: string;
  readonly prefix: string;
}

export function generateApiKey(): GeneratedApiKey {
  const id = randomBytes(ID_BYTES).toString('base64url');
  const key = `pcs_${id}_${randomBytes(SECRET_BYTES).toString('base64url')}`;
  return { id, key, prefix: key.slice(0, API_KEY_PREFIX_LENGTH) };
}

/** The id of a well-formed key, or undefined. Says nothing about whether the key is valid. */
export function apiKeyIdOf(presented: string): string | undefined {
  return KEY_FORMAT.exec(presented)?.[1];
}

const KEY_HASH_CONTEXT = 'gateway.api-key';

/** The keyed hash API keys are stored as, and its constant-time check. */
export class ApiKeyHasher {
  constructor(private readonly hasher: KeyedHasher) {}

  hash(key: string): string {
    return this.hasher.hash(key, KEY_HASH_CONTEXT);
  }

  matches(key: string, storedHash: string): boolean {
    return this.hasher.matches(key, KEY_HASH_CONTEXT, storedHash);
  }
}

/** An API key as listed: never its hash, never its secret. */
export interface ApiKeyView {
  readonly id: string;
  readonly tenantId: string;
  readonly name: string;
  readonly scope: Scope;
  readonly prefix: string;
  readonly createdAt: Date;
  readonly revokedAt?: Date;
  readonly lastUsedAt?: Date;
}

/** What authentication needs: the view and the stored hash. Only ApiKeyStore.credential returns it. */
export interface ApiKeyCredential extends ApiKeyView {
  readonly keyHash: string;
}

export interface NewApiKey {
  readonly id: string;
  readonly tenantId: string;
  readonly name: string;
  readonly scope: Scope;
  readonly keyHash: string;
  readonly prefix: string;
}

/** Port to the api_keys table. Timestamps come from the database's clock. */
export abstract class ApiKeyStore {
  abstract insert(key: NewApiKey): Promise<ApiKeyView>;
  /** The privileged read (STYLE.md 9): the key's hash, for authentication only. May be cached. */
  abstract credential(id: string): Promise<ApiKeyCredential | undefined>;
  abstract list(tenantId: string): Promise<ApiKeyView[]>;
  /**
   * Marks the key revoked (keeping the first revocation time) and evicts it from every instance's
   * cache; undefined when the tenant has no such key.
   */
  abstract revoke(tenantId: string, id: string): Promise<ApiKeyView | undefined>;
  /** Records a use, at most once a minute per key (older values only are overwritten). */
  abstract touch(id: string): Promise<void>;
}
