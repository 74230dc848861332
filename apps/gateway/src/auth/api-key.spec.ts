import { randomBytes } from 'node:crypto';
import { KeyedHasher } from '@portcullis/crypto';
import { API_KEY_ID, ApiKeyHasher, apiKeyIdOf, generateApiKey } from './api-key';

describe('API keys', () => {
  it('look like pcs_<22-char id>_<43-char secret>, with a 12-character display prefix', () => {
    for (let i = 0; i < 200; i++) {
      const { id, key, prefix } = generateApiKey();
      expect(key).toMatch(/^pcs_[A-Za-z0-9_-]{22}_[A-Za-z0-9_-]{43}$/);
      expect(API_KEY_ID.test(id)).toBe(true);
      // base64url may contain '_' itself: the fixed lengths still find the id.
      expect(apiKeyIdOf(key)).toBe(id);
      expect(prefix).toBe(key.slice(0, 12));
      expect(key.startsWith(`pcs_${id}_`)).toBe(true);
    }
  });

  it('refuse anything else as malformed', () => {
    const { key } = generateApiKey();
    for (const bad of ['', 'pcs_', key.slice(0, -1), `${key}A`, key.replace('pcs_', 'pcx_'), `${key}\n`]) {
      expect(apiKeyIdOf(bad)).toBeUndefined();
    }
  });

  it('are stored as a keyed hash that only the same pepper and the whole key match', () => {
    const hasher = new ApiKeyHasher(new KeyedHasher(randomBytes(32)));
    const other = new ApiKeyHasher(new KeyedHasher(randomBytes(32)));
    const { key } = generateApiKey();
    const hash = hasher.hash(key);
    expect(hash).not.toContain(key);
    expect(hasher.matches(key, hash)).toBe(true);
    expect(other.matches(key, hash)).toBe(false);
    expect(hasher.matches(generateApiKey().key, hash)).toBe(false);
    expect(hasher.matches(key, '')).toBe(false);
  });
});
