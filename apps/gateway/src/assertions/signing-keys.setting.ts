import { secret } from '@portcullis/config';
import { parseSigningKeys, SIGNING_KEYS_SETTING } from './signing-keys';

/**
 * The `GATEWAY_SIGNING_KEYS` setting for the gateway's config schema: a secret that must also parse
 * as a signing-key ring, so the gateway refuses to start on a bad ring. Problems are named; key
 * material never is.
 */
export function signingKeysSecret() {
  return secret(40).superRefine((value, ctx) => {
    try {
      parseSigningKeys(value);
    } catch (error) {
      const message = error instanceof Error ? error.message : 'is not a signing-key ring';
      // The config loader already names the setting.
      ctx.addIssue({ code: 'custom', message: message.replace(`${SIGNING_KEYS_SETTING}: `, '') });
    }
  });
}
