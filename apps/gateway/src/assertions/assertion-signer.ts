import { randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import { actionHash, type ActionDetails } from './action-hash';
import { AssertionErrorCodes, tokenRejected } from './assertion.errors';
import { TokenRefusal, verifySignedJwt } from './jwt-verification';
import type { PublicSigningJwk, SigningKeyRing } from './signing-keys';

// The action helpers belong to the assertion's API; they live in their own file for size only.
export { actionHash, canonicalActionJson, type ActionDetails } from './action-hash';

/** JOSE `typ` of an MFA assertion; a device token (or any other JWT of ours) never passes for one. */
export const ASSERTION_TYPE = 'portcullis-assertion+jwt';

/**
 * Claim binding a step-up assertion to its action: `{ type, hash }`, hash = actionHash(action).
 * Not `act`, which RFC 8693 registers for "actor".
 */
export const ACTION_CLAIM = 'approved_action';

/** Assertions are bearer proofs of a fresh MFA: they must stay short-lived (SECURITY.md 27). */
export const MAX_ASSERTION_LIFETIME_SECONDS = 15 * 60;

export type AssuranceLevel = 'aal1' | 'aal2' | 'aal3';
const ASSURANCE_LEVELS: readonly string[] = ['aal1', 'aal2', 'aal3'] satisfies AssuranceLevel[];

export interface AssertionClaims {
  tenantId: string;
  userId: string;
  /** Authentication methods references (RFC 8176), e.g. ["pwd", "otp", "mfa"]. */
  amr: string[];
  acr: AssuranceLevel;
  authTime: Date;
  riskLevel: string;
  /** The authentication (attempt) id this assertion concludes. */
  attemptId: string;
  /** Present for step-up: the assertion then approves this action only. */
  action?: ActionDetails;
}

export interface AssertionSignerSettings {
  issuer: string;
  /** The `aud` of a tenant's assertions; default `portcullis:tenant:<tenantId>`. */
  audienceOf?: (tenantId: string) => string;
}

export interface IssuedAssertion {
  token: string;
  jti: string;
  expiresAt: Date;
}

export interface AssertionExpectations {
  /** When given, `aud` and `tenant` must name this tenant. */
  tenantId?: string;
  /** When given, the assertion must be bound to exactly this action; when absent, to none. */
  action?: ActionDetails;
  now?: Date;
}

export interface VerifiedAssertion {
  readonly tokenId: string;
  readonly keyId: string;
  readonly tenantId: string;
  readonly userId: string;
  readonly amr: readonly string[];
  readonly acr: AssuranceLevel;
  readonly authTime: Date;
  readonly riskLevel: string;
  readonly attemptId: string;
  readonly issuedAt: Date;
  readonly expiresAt: Date;
  readonly action?: { readonly type: string; readonly hash: string };
}

const REQUIRED_CLAIMS = ['iss', 'sub', 'aud', 'iat', 'nbf', 'exp', 'jti'] as const;

export function defaultAudienceOf(tenantId: string): string {
  return `portcullis:tenant:${tenantId}`;
}

/**
 * Signs the gateway's MFA assertions (ES256, with the ring's first key) and verifies them against
 * every key in the ring. Product backends verify the same tokens with any JOSE library and the
 * JWKS from {@link jwks}; replay protection of a step-up assertion (one `jti`, one approval) is
 * theirs to keep.
 */
export class AssertionSigner {
  private readonly audienceOf: (tenantId: string) => string;

  constructor(
    private readonly ring: SigningKeyRing,
    private readonly settings: AssertionSignerSettings,
  ) {
    if (settings.issuer.trim() === '') throw new Error('AssertionSigner: issuer is required');
    this.audienceOf = settings.audienceOf ?? defaultAudienceOf;
  }

  async issue(
    claims: AssertionClaims,
    lifetimeSeconds: number,
    now: Date = new Date(),
  ): Promise<IssuedAssertion> {
    checkLifetime(lifetimeSeconds);
    requireText('tenantId', claims.tenantId);
    requireText('userId', claims.userId);
    requireText('attemptId', claims.attemptId);
    requireText('riskLevel', claims.riskLevel);
    if (!Array.isArray(claims.amr) || claims.amr.length === 0) {
      throw new Error('AssertionSigner: amr must list at least one authentication method');
    }
    claims.amr.forEach((method) => requireText('amr[]', method));
    if (!ASSURANCE_LEVELS.includes(claims.acr))
      throw new Error('AssertionSigner: acr must be aal1, aal2 or aal3');
    const issuedAt = epochSeconds(now, 'now');
    const authTime = epochSeconds(claims.authTime, 'authTime');
    if (authTime > issuedAt) throw new Error('AssertionSigner: authTime is after the time of issue');
    const audience = this.audienceOf(claims.tenantId);
    requireText('audience', audience);

    const jti = randomUUID();
    const expiresAt = issuedAt + lifetimeSeconds;
    const key = this.ring.active;
    const token = await new SignJWT({
      tenant: claims.tenantId,
      amr: [...claims.amr],
      acr: claims.acr,
      auth_time: authTime,
      risk_level: claims.riskLevel,
      attempt: claims.attemptId,
      ...(claims.action === undefined
        ? {}
        : { [ACTION_CLAIM]: { type: claims.action.type, hash: actionHash(claims.action) } }),
    })
      .setProtectedHeader({ alg: 'ES256', kid: key.kid, typ: ASSERTION_TYPE })
      .setIssuer(this.settings.issuer)
      .setSubject(claims.userId)
      .setAudience(audience)
      .setIssuedAt(issuedAt)
      .setNotBefore(issuedAt)
      .setExpirationTime(expiresAt)
      .setJti(jti)
      .sign(key.privateKey);
    return { token, jti, expiresAt: new Date(expiresAt * 1000) };
  }

  /**
   * Verifies signature (ES256 only, key chosen by `kid` from the ring), `typ`, issuer, audience
   * (when a tenant is expected), expiry and not-before (5 s tolerance) and the action binding.
   * Throws DomainError UNAUTHENTICATED: ASSERTION_EXPIRED, ASSERTION_ACTION_MISMATCH or
   * ASSERTION_INVALID (everything else).
   */
  async verify(token: string, expected: AssertionExpectations = {}): Promise<VerifiedAssertion> {
    // The expected action is the caller's input: a malformed one is a VALIDATION_FAILED, not a
    // verdict on the token, so it is hashed before anything else.
    const expectedHash = expected.action === undefined ? undefined : actionHash(expected.action);
    try {
      const { payload, kid } = await verifySignedJwt(this.ring, token, {
        typ: ASSERTION_TYPE,
        issuer: this.settings.issuer,
        ...(expected.tenantId === undefined ? {} : { audience: this.audienceOf(expected.tenantId) }),
        requiredClaims: REQUIRED_CLAIMS,
        ...(expected.now === undefined ? {} : { now: expected.now }),
      });
      const assertion = readAssertion(payload, kid);
      if (expected.tenantId !== undefined && assertion.tenantId !== expected.tenantId) {
        throw new TokenRefusal(false, 'wrong tenant');
      }
      if (expectedHash === undefined && assertion.action !== undefined) {
        throw tokenRejected(
          AssertionErrorCodes.ASSERTION_ACTION_MISMATCH,
          'Assertion',
          'a step-up assertion is bound to an action and is not a sign-in',
        );
      }
      if (expectedHash !== undefined && assertion.action?.hash !== expectedHash) {
        throw tokenRejected(
          AssertionErrorCodes.ASSERTION_ACTION_MISMATCH,
          'Assertion',
          assertion.action === undefined ? 'not bound to an action' : 'bound to a different action',
        );
      }
      return assertion;
    } catch (error) {
      if (!(error instanceof TokenRefusal)) throw error;
      throw error.expired
        ? tokenRejected(AssertionErrorCodes.ASSERTION_EXPIRED, 'Assertion', error.reason)
        : tokenRejected(AssertionErrorCodes.ASSERTION_INVALID, 'Assertion', error.reason);
    }
  }

  /** The JWKS document: every key of the ring, public parts only. */
  jwks(): { keys: PublicSigningJwk[] } {
    return { keys: this.ring.keys.map((key) => ({ ...key.publicJwk })) };
  }
}

function readAssertion(payload: Record<string, unknown>, kid: string): VerifiedAssertion {
  const amr = payload['amr'];
  const acr = payload['acr'];
  const act = payload[ACTION_CLAIM];
  if (!Array.isArray(amr) || amr.length === 0 || !amr.every(isText)) throw invalidClaim('amr');
  if (typeof acr !== 'string' || !ASSURANCE_LEVELS.includes(acr)) throw invalidClaim('acr');
  let action: VerifiedAssertion['action'];
  if (act !== undefined) {
    const { type, hash } = (typeof act === 'object' && act !== null ? act : {}) as Record<string, unknown>;
    if (!isText(type) || !isText(hash)) throw invalidClaim(ACTION_CLAIM);
    action = { type, hash };
  }
  return {
    tokenId: text(payload, 'jti'),
    keyId: kid,
    tenantId: text(payload, 'tenant'),
    userId: text(payload, 'sub'),
    amr: [...amr],
    acr: acr as AssuranceLevel,
    authTime: seconds(payload, 'auth_time'),
    riskLevel: text(payload, 'risk_level'),
    attemptId: text(payload, 'attempt'),
    issuedAt: seconds(payload, 'iat'),
    expiresAt: seconds(payload, 'exp'),
    ...(action === undefined ? {} : { action }),
  };
}

function isText(value: unknown): value is string {
  return typeof value === 'string' && value !== '';
}

function text(payload: Record<string, unknown>, claim: string): string {
  const value = payload[claim];
  if (!isText(value)) throw invalidClaim(claim);
  return value;
}

function seconds(payload: Record<string, unknown>, claim: string): Date {
  const value = payload[claim];
  if (typeof value !== 'number' || !Number.isFinite(value)) throw invalidClaim(claim);
  return new Date(value * 1000);
}

function invalidClaim(claim: string): TokenRefusal {
  return new TokenRefusal(false, `claim ${claim} missing or invalid`);
}

function checkLifetime(lifetimeSeconds: number): void {
  if (
    !Number.isInteger(lifetimeSeconds) ||
    lifetimeSeconds < 1 ||
    lifetimeSeconds > MAX_ASSERTION_LIFETIME_SECONDS
  ) {
    throw new Error(
      `AssertionSigner: lifetime must be a whole number of seconds from 1 to ${MAX_ASSERTION_LIFETIME_SECONDS}`,
    );
  }
}

function requireText(field: string, value: unknown): void {
  if (!isText(value)) throw new Error(`AssertionSigner: ${field} must be a non-empty string`);
}

function epochSeconds(date: Date, field: string): number {
  const ms = date instanceof Date ? date.getTime() : Number.NaN;
  if (!Number.isFinite(ms)) throw new Error(`AssertionSigner: ${field} must be a valid Date`);
  return Math.floor(ms / 1000);
}
