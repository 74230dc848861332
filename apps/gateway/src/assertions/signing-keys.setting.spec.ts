import { generateSigningKeyEntry } from './signing-keys';
import { signingKeysSecret } from './signing-keys.setting';

describe('signingKeysSecret', () => {
  it('accepts a ring of generated keys', () => {
    const setting = `${generateSigningKeyEntry('new')},${generateSigningKeyEntry('old')}`;
    expect(signingKeysSecret().parse(setting)).toBe(setting);
  });

  it('refuses an example value', () => {
    expect(signingKeysSecret().safeParse('change-me').success).toBe(false);
  });

  it('refuses a value that is long enough but no ring, naming the problem without the setting prefix', () => {
    const result = signingKeysSecret().safeParse(`k1:${'A'.repeat(60)}`);
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toMatch(
      /^entry 1 \("k1"\): key is not a PKCS#8 DER private key/,
    );
  });
});
