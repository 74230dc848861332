import { createHash, timingSafeEqual } from 'node:crypto';
import { CommonErrorCodes, DomainError } from '@portcullis/errors';

/** Who acts, in audit records, when the bootstrap admin token authorised the call. */
export const BOOTSTRAP_ADMIN_ACTOR = 'admin';

const digest = (value: string) => createHash('sha256').update(value).digest();

/**
 * Checks the bootstrap admin Bearer token in constant time. Tenant-scoped API keys replace it for
 * runtime calls when they arrive; until then every route requires it.
 */
export class AdminAuthenticator {
  private readonly expected: Buffer;

  constructor(token: string) {
    this.expected = digest(token);
  }

  requireAdmin(authorization: string | undefined): void {
    const match = /^Bearer (.+)$/.exec(authorization ?? '');
    if (!match?.[1] || !timingSafeEqual(digest(match[1]), this.expected)) {
      throw new DomainError(
        'UNAUTHENTICATED',
        CommonErrorCodes.UNAUTHENTICATED,
        'A valid Bearer credential is required',
      );
    }
  }
}
