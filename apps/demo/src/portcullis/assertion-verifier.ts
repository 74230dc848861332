import {
  actionHash,
  type ActionDetails,
  APPROVED_ACTION_CLAIM,
  ASSERTION_JWT_TYPE,
  assertionAudience,
} from '@portcullis/sdk';
import { createRemoteJWKSet, type JWTPayload, jwtVerify } from 'jose';
import { DemoError } from '../http/errors';

export interface AssertionExpectations {
  /** The user the shop believes it is dealing with; passwordless sign-ins learn it from the token. */
  readonly userId?: string;
  /** A step-up: the assertion must approve exactly this action. Absent: it must approve none. */
  readonly action?: ActionDetails;
}

/**
 * Verifies Portcullis' MFA assertions the way a product backend should: offline, with the JWKS
 * (fetched once and cached by jose, refetched for an unknown key id), checking the signature,
 * type, audience, expiry and, for a payment, that `approved_action` is this very payment.
 */
export class AssertionVerifier {
  private readonly jwks: ReturnType<typeof createRemoteJWKSet>;

  constructor(
    portcullisUrl: string,
    private readonly tenantId: string,
    private readonly issuer: string | undefined,
  ) {
    this.jwks = createRemoteJWKSet(new URL(`${portcullisUrl}/.well-known/jwks.json`));
  }

  async verify(token: string, expected: AssertionExpectations = {}): Promise<JWTPayload> {
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, this.jwks, {
        algorithms: ['ES256'],
        typ: ASSERTION_JWT_TYPE,
        audience: assertionAudience(this.tenantId),
        ...(this.issuer ? { issuer: this.issuer } : {}),
      }));
    } catch (error) {
      throw new DemoError(
        502,
        'ASSERTION_INVALID',
        `The MFA assertion does not verify: ${error instanceof Error ? error.message : 'unknown error'}`,
      );
    }
    if (expected.userId !== undefined && payload.sub !== expected.userId) {
      throw new DemoError(502, 'ASSERTION_INVALID', 'The MFA assertion names another user');
    }
    const approved = payload[APPROVED_ACTION_CLAIM] as { type?: unknown; hash?: unknown } | undefined;
    if (expected.action === undefined) {
      // A payment approval is not a sign-in.
      if (approved !== undefined)
        throw new DemoError(502, 'ASSERTION_INVALID', 'The assertion approves an action');
    } else if (approved?.type !== expected.action.type || approved.hash !== actionHash(expected.action)) {
      throw new DemoError(502, 'ASSERTION_ACTION_MISMATCH', 'The assertion does not approve this payment');
    }
    return payload;
  }
}
