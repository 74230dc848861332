import { createHash } from 'node:crypto';
import { SignJWT } from 'jose';
import { AssertionErrorCodes, tokenRejected } from './assertion.errors';
import { TokenRefusal, verifySignedJwt } from './jwt-verification';
import type { SigningKeyRing } from './signing-keys';

/** JOSE `typ` of a remember-this-device token; it never passes for an assertion, nor one for it. */
export const DEVICE_TOKEN_TYPE = 'portcullis-device+jwt';

/**
 * Device tokens are only ever read back by the gateway. A fixed audience that no tenant's
 * assertion carries keeps a backend that checks `aud` but not `typ` from taking one for an MFA.
 */
export const DEVICE_TOKEN_AUDIENCE = 'portcullis:device';

/** A browser keeps a cookie at most 400 days; a longer-lived device token would be unusable. */
export const MAX_DEVICE_TOKEN_LIFETIME_SECONDS = 400 * 24 * 60 * 60;

const MAX_TOKEN_ID_LENGTH = 128;
const REQUIRED_CLAIMS = ['iss', 'sub', 'aud', 'iat', 'exp', 'jti'] as const;

export interface DeviceTokenRequest {
  tenantId: string;
  userId: string;
  /** The product's own id of the device; only its hash goes into the token. */
  deviceId: string;
  /** The id under which the caller stores the token for revocation; becomes `jti`. */
  tokenId: string;
  lifetimeSeconds: number;
  now?: Date;
}

export interface DeviceTokenExpectations {
  tenantId: string;
  userId?: string;
  /** The device id presented with the token; it must be the one the token was issued to. */
  deviceId?: string;
  now?: Date;
}

export interface VerifiedDeviceToken {
  tokenId: string;
  userId: string;
  expiresAt: Date;
}

/** base64url SHA-256 of the product's device id: the token's `dev` claim. */
export function deviceIdHash(deviceId: string): string {
  return createHash('sha256').update(deviceId, 'utf8').digest('base64url');
}

/**
 * Issues and verifies remember-this-device tokens (ES256 JWTs signed with the gateway's ring).
 *
 * Revocation is NOT checked here: `verify` proves the token is authentic, current and bound to this
 * tenant, user and device; the caller must then look the returned `tokenId` up in its revocation
 * store (and refuse a revoked or unknown id) before letting the token lower any risk.
 */
export class DeviceTokenIssuer {
  constructor(
    private readonly ring: SigningKeyRing,
    private readonly settings: { issuer: string },
  ) {
    if (settings.issuer.trim() === '') throw new Error('DeviceTokenIssuer: issuer is required');
  }

  async issue(request: DeviceTokenRequest): Promise<{ token: string; expiresAt: Date }> {
    requireText('tenantId', request.tenantId);
    requireText('userId', request.userId);
    requireText('deviceId', request.deviceId);
    requireText('tokenId', request.tokenId);
    if (request.tokenId.length > MAX_TOKEN_ID_LENGTH) {
      throw new Error(`DeviceTokenIssuer: tokenId must be at most ${MAX_TOKEN_ID_LENGTH} characters`);
    }
    const { lifetimeSeconds } = request;
    if (
      !Number.isInteger(lifetimeSeconds) ||
      lifetimeSeconds < 1 ||
      lifetimeSeconds > MAX_DEVICE_TOKEN_LIFETIME_SECONDS
    ) {
      throw new Error(
        `DeviceTokenIssuer: lifetime must be a whole number of seconds from 1 to ${MAX_DEVICE_TOKEN_LIFETIME_SECONDS}`,
      );
    }
    const nowMs = (request.now ?? new Date()).getTime();
    if (!Number.isFinite(nowMs)) throw new Error('DeviceTokenIssuer: now must be a valid Date');
    const issuedAt = Math.floor(nowMs / 1000);
    const expiresAt = issuedAt + lifetimeSeconds;

    const key = this.ring.active;
    const token = await new SignJWT({ tenant: request.tenantId, dev: deviceIdHash(request.deviceId) })
      .setProtectedHeader({ alg: 'ES256', kid: key.kid, typ: DEVICE_TOKEN_TYPE })
      .setIssuer(this.settings.issuer)
      .setSubject(request.userId)
      .setAudience(DEVICE_TOKEN_AUDIENCE)
      .setIssuedAt(issuedAt)
      .setExpirationTime(expiresAt)
      .setJti(request.tokenId)
      .sign(key.privateKey);
    return { token, expiresAt: new Date(expiresAt * 1000) };
  }

  /**
   * Checks signature, `typ`, issuer, expiry, tenant, user (when given) and device (when given).
   * Throws DomainError UNAUTHENTICATED DEVICE_TOKEN_EXPIRED or DEVICE_TOKEN_INVALID. Does not check
   * revocation: see the class comment.
   */
  async verify(token: string, expected: DeviceTokenExpectations): Promise<VerifiedDeviceToken> {
    try {
      const { payload } = await verifySignedJwt(this.ring, token, {
        typ: DEVICE_TOKEN_TYPE,
        issuer: this.settings.issuer,
        audience: DEVICE_TOKEN_AUDIENCE,
        requiredClaims: REQUIRED_CLAIMS,
        ...(expected.now === undefined ? {} : { now: expected.now }),
      });
      const { tenant, sub, dev, jti, exp } = payload as Record<string, unknown>;
      if (typeof jti !== 'string' || jti === '')
        throw new TokenRefusal(false, 'claim jti missing or invalid');
      if (typeof sub !== 'string' || sub === '')
        throw new TokenRefusal(false, 'claim sub missing or invalid');
      if (typeof exp !== 'number') throw new TokenRefusal(false, 'claim exp missing or invalid');
      if (typeof dev !== 'string' || dev === '')
        throw new TokenRefusal(false, 'claim dev missing or invalid');
      if (tenant !== expected.tenantId) throw new TokenRefusal(false, 'wrong tenant');
      if (expected.userId !== undefined && sub !== expected.userId)
        throw new TokenRefusal(false, 'wrong user');
      if (expected.deviceId !== undefined && dev !== deviceIdHash(expected.deviceId)) {
        throw new TokenRefusal(false, 'wrong device');
      }
      return { tokenId: jti, userId: sub, expiresAt: new Date(exp * 1000) };
    } catch (error) {
      if (!(error instanceof TokenRefusal)) throw error;
      throw error.expired
        ? tokenRejected(AssertionErrorCodes.DEVICE_TOKEN_EXPIRED, 'Device token', error.reason)
        : tokenRejected(AssertionErrorCodes.DEVICE_TOKEN_INVALID, 'Device token', error.reason);
    }
  }
}

function requireText(field: string, value: unknown): void {
  if (typeof value !== 'string' || value === '') {
    throw new Error(`DeviceTokenIssuer: ${field} must be a non-empty string`);
  }
}
