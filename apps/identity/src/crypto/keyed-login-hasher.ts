import type { KeyedHasher } from '@portcullis/crypto';
import { LoginHasher } from '../domain/ports';

/** HMAC-SHA256 (IDENTITY_HASH_KEY) of a tenant's login, for counting failures of unknown logins. */
export class KeyedLoginHasher extends LoginHasher {
  constructor(private readonly hasher: KeyedHasher) {
    super();
  }

  hash(tenantId: string, login: string): string {
    return this.hasher.hash(login, `identity.password-failures:${tenantId}`);
  }
}
