import { randomBytes } from 'node:crypto';

/** The key-encryption keys (KEKs) a service can unwrap with, and the one it seals new secrets under. */
export interface KeyRing {
  readonly activeKeyId: string;
  key(id: string): Buffer | undefined;
  /** Every key id in the ring, in setting order (oldest first). */
  readonly keyIds: readonly string[];
}

export const KEY_BYTES = 32;

const KEY_ID = /^[A-Za-z0-9_-]{1,32}$/;
// Standard or URL-safe alphabet, optional padding; Buffer.from alone would silently skip junk.
const BASE64 = /^[A-Za-z0-9+/_-]+={0,2}$/;

/**
 * Parses a key-ring setting: `kid:base64key,kid:base64key,...`, newest last. Each key must be
 * exactly 32 random bytes (base64 or base64url). The active key is `activeKeyId` when given,
 * otherwise the last entry. Errors name the entry and the problem, never the key material.
 */
export function parseKeyRing(spec: string, activeKeyId?: string): KeyRing {
  const keys = new Map<string, Buffer>();
  const entries = spec.split(',');
  if (spec.trim() === '') throw new Error('Key ring is empty: expected kid:base64key[,kid:base64key...]');

  entries.forEach((raw, index) => {
    const where = `key ring entry ${index + 1}`;
    const entry = raw.trim();
    if (entry === '') throw new Error(`${where} is empty`);
    const colon = entry.indexOf(':');
    if (colon < 0) throw new Error(`${where} is not of the form kid:base64key`);

    const kid = entry.slice(0, colon).trim();
    const encoded = entry.slice(colon + 1).trim();
    // The kid is not echoed when invalid: a misplaced key could be sitting in its position.
    if (!KEY_ID.test(kid)) throw new Error(`${where}: key id must match ${KEY_ID.source}`);
    if (keys.has(kid)) throw new Error(`${where}: duplicate key id "${kid}"`);
    if (!BASE64.test(encoded)) throw new Error(`${where} ("${kid}"): key is not base64 or base64url`);

    const key = Buffer.from(encoded.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
    if (key.length !== KEY_BYTES) {
      key.fill(0);
      throw new Error(`${where} ("${kid}"): key must decode to exactly ${KEY_BYTES} bytes`);
    }
    keys.set(kid, key);
  });

  const keyIds = Object.freeze([...keys.keys()]);
  const active = activeKeyId ?? keyIds[keyIds.length - 1];
  if (active === undefined || !keys.has(active)) {
    throw new Error(
      KEY_ID.test(activeKeyId ?? '')
        ? `Active key id "${activeKeyId}" is not in the key ring`
        : 'Active key id is not in the key ring',
    );
  }

  return Object.freeze({
    activeKeyId: active,
    keyIds,
    // A copy, so a caller zeroing or mutating the buffer cannot corrupt the ring.
    key: (id: string): Buffer | undefined => {
      const key = keys.get(id);
      return key && Buffer.from(key);
    },
  });
}

/** A fresh `kid:<base64 of 32 random bytes>` entry, for docs and dev tooling. */
export function generateKeyRingEntry(kid: string): string {
  if (!KEY_ID.test(kid)) throw new Error(`Key id must match ${KEY_ID.source}`);
  return `${kid}:${randomBytes(KEY_BYTES).toString('base64')}`;
}
