import { randomBytes } from 'node:crypto';
import { generateKeyRingEntry, generateSigningKeyEntry } from '@portcullis/crypto';

/** Fresh secret settings for an identity service. */
export function identitySecretSettings(): Record<string, string> {
  return { IDENTITY_HASH_KEY: randomBytes(32).toString('base64url') };
}

/** Fresh secret settings for a factors service (and the delivery side of the code-transport key). */
export function factorsSecretSettings(): Record<string, string> {
  return {
    FACTORS_ENCRYPTION_KEYS: generateKeyRingEntry('k1'),
    FACTORS_HASH_KEY: randomBytes(32).toString('base64url'),
    CODE_TRANSPORT_KEYS: generateKeyRingEntry('t1'),
  };
}

/** Fresh secret settings for a delivery service that opens codes sealed with `transportKeys`. */
export function deliverySecretSettings(transportKeys: string): Record<string, string> {
  return { CODE_TRANSPORT_KEYS: transportKeys, DELIVERY_HASH_KEY: randomBytes(32).toString('base64url') };
}

/** Fresh secret settings for a gateway (operator token, API-key pepper, assertion signing key). */
export function gatewaySecretSettings(): Record<string, string> {
  return {
    GATEWAY_ADMIN_TOKEN: randomBytes(24).toString('base64url'),
    GATEWAY_API_KEY_PEPPER: randomBytes(32).toString('base64url'),
    GATEWAY_SIGNING_KEYS: generateSigningKeyEntry('s1'),
  };
}
