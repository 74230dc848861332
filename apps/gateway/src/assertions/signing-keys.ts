import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';

/** The public half of a signing key as published at the JWKS URL. Never carries `d`. */
export interface PublicSigningJwk {
  readonly kty: 'EC';
  readonly crv: 'P-256';
  readonly x: string;
  readonly y: string;
  readonly kid: string;
  readonly alg: 'ES256';
  readonly use: 'sig';
}

export interface SigningKey {
  readonly kid: string;
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
  readonly publicJwk: PublicSigningJwk;
}

/**
 * The gateway's ES256 signing keys. The first entry signs; every entry is published and accepted,
 * so a rotation lists the new key first and keeps the old one until its last token has expired.
 */
export interface SigningKeyRing {
  /** The key new tokens are signed with (the first entry of the setting). */
  readonly active: SigningKey;
  /** Every key in setting order, active first. */
  readonly keys: readonly SigningKey[];
  key(kid: string): SigningKey | undefined;
}

export const SIGNING_KEYS_SETTING = 'GATEWAY_SIGNING_KEYS';
export const SIGNING_KEY_ID = /^[A-Za-z0-9._-]{1,64}$/;

// Unpadded base64url only; Buffer.from alone would silently skip characters outside the alphabet.
const BASE64URL = /^[A-Za-z0-9_-]+$/;

function settingError(reason: string): Error {
  return new Error(`${SIGNING_KEYS_SETTING}: ${reason}`);
}

/**
 * Parses `GATEWAY_SIGNING_KEYS`: entries `<kid>:<base64url PKCS#8 DER of an EC P-256 private key>`
 * separated by commas or whitespace. Errors name the entry and the problem, never key material
 * (an unparseable kid is not echoed either: a misplaced key could be sitting in its position).
 */
export function parseSigningKeys(setting: string): SigningKeyRing {
  const entries = setting.split(/[\s,]+/).filter((entry) => entry !== '');
  if (entries.length === 0) {
    throw settingError('no keys: expected <kid>:<base64url PKCS#8 P-256 key>[,<kid>:<key>...]');
  }

  const keys: SigningKey[] = [];
  const byKid = new Map<string, SigningKey>();
  const publicPoints = new Set<string>();

  entries.forEach((entry, index) => {
    const where = `entry ${index + 1}`;
    const colon = entry.indexOf(':');
    if (colon < 0) throw settingError(`${where} is not of the form <kid>:<base64url key>`);
    const kid = entry.slice(0, colon);
    const encoded = entry.slice(colon + 1);
    if (!SIGNING_KEY_ID.test(kid)) throw settingError(`${where}: key id must match ${SIGNING_KEY_ID.source}`);
    if (byKid.has(kid)) throw settingError(`${where}: duplicate key id "${kid}"`);
    if (encoded === '') throw settingError(`${where} ("${kid}"): key is missing`);
    if (!BASE64URL.test(encoded) || encoded.length % 4 === 1) {
      throw settingError(`${where} ("${kid}"): key is not unpadded base64url`);
    }

    const der = Buffer.from(encoded, 'base64url');
    let privateKey: KeyObject;
    try {
      privateKey = createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
    } catch {
      throw settingError(
        `${where} ("${kid}"): key is not a PKCS#8 DER private key ` +
          '(convert a SEC1 "EC PRIVATE KEY" with `openssl pkcs8 -topk8 -nocrypt -outform der`)',
      );
    } finally {
      der.fill(0);
    }

    const curve = privateKey.asymmetricKeyDetails?.namedCurve;
    if (privateKey.asymmetricKeyType !== 'ec' || curve !== 'prime256v1') {
      const found =
        privateKey.asymmetricKeyType === 'ec'
          ? `EC ${curve ?? 'unknown curve'}`
          : privateKey.asymmetricKeyType;
      throw settingError(
        `${where} ("${kid}"): key must be an EC P-256 key for ES256, found ${found ?? 'unknown type'}`,
      );
    }

    const publicKey = createPublicKey(privateKey);
    const jwk = publicKey.export({ format: 'jwk' });
    if (typeof jwk.x !== 'string' || typeof jwk.y !== 'string') {
      throw settingError(`${where} ("${kid}"): public key could not be exported as a JWK`);
    }
    // One key under two ids would make "drop the old key" in a rotation silently keep it.
    const point = `${jwk.x}.${jwk.y}`;
    if (publicPoints.has(point)) throw settingError(`${where} ("${kid}"): the same key is listed twice`);
    publicPoints.add(point);

    const key: SigningKey = Object.freeze({
      kid,
      privateKey,
      publicKey,
      publicJwk: Object.freeze({
        kty: 'EC',
        crv: 'P-256',
        x: jwk.x,
        y: jwk.y,
        kid,
        alg: 'ES256',
        use: 'sig',
      } as const),
    });
    keys.push(key);
    byKid.set(kid, key);
  });

  const active = keys[0];
  if (active === undefined) throw settingError('no keys');
  return Object.freeze({
    active,
    keys: Object.freeze(keys),
    key: (kid: string): SigningKey | undefined => byKid.get(kid),
  });
}

/** A fresh `<kid>:<base64url PKCS#8 DER P-256 key>` entry (made by the crypto library). */
export { generateSigningKeyEntry } from '@portcullis/crypto';
