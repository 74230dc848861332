import { generateKeyPairSync } from 'node:crypto';

const KEY_ID = /^[A-Za-z0-9._-]{1,64}$/;

/**
 * A fresh ES256 signing-key entry, `<kid>:<base64url PKCS#8 DER P-256 private key>`, the format
 * of GATEWAY_SIGNING_KEYS: for the local stack, tests and key rotation.
 */
export function generateSigningKeyEntry(kid: string): string {
  if (!KEY_ID.test(kid)) throw new Error(`Signing key id must match ${KEY_ID.source}`);
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return `${kid}:${privateKey.export({ format: 'der', type: 'pkcs8' }).toString('base64url')}`;
}
