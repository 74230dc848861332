import { jwtVerify, type JWTPayload } from 'jose';
import type { SigningKeyRing } from './signing-keys';

/** Allowed skew between the gateway's clock and the one that issued the token. */
export const CLOCK_TOLERANCE_SECONDS = 5;

// Our tokens are a few hundred bytes; anything far larger is refused before it is parsed.
const MAX_TOKEN_LENGTH = 8 * 1024;

/**
 * Why a token was refused. `reason` is a fixed phrase chosen here (or a claim name from our own
 * required-claims list), never token content, so it is safe in client-facing messages and logs.
 */
export class TokenRefusal extends Error {
  constructor(
    readonly expired: boolean,
    readonly reason: string,
  ) {
    super(reason);
    this.name = 'TokenRefusal';
  }
}

export interface SignedJwtExpectations {
  readonly typ: string;
  readonly issuer: string;
  readonly audience?: string;
  readonly requiredClaims: readonly string[];
  readonly now?: Date;
}

export interface VerifiedJwt {
  readonly payload: JWTPayload;
  readonly kid: string;
}

/**
 * Verifies an ES256 JWT against the ring's public keys, chosen by `kid`: no other algorithm, no key
 * carried in the token (jwk, jku, x5u are ignored), the exact `typ`, issuer, optional audience,
 * expiry and not-before with a small clock tolerance.
 */
export async function verifySignedJwt(
  ring: SigningKeyRing,
  token: unknown,
  expected: SignedJwtExpectations,
): Promise<VerifiedJwt> {
  if (typeof token !== 'string' || token.length === 0) throw new TokenRefusal(false, 'missing token');
  if (token.length > MAX_TOKEN_LENGTH) throw new TokenRefusal(false, 'token too long');

  try {
    const { payload, protectedHeader } = await jwtVerify(
      token,
      (header) => {
        const key = typeof header.kid === 'string' ? ring.key(header.kid) : undefined;
        if (key === undefined) throw new TokenRefusal(false, 'unknown key id');
        return key.publicKey;
      },
      {
        algorithms: ['ES256'],
        typ: expected.typ,
        issuer: expected.issuer,
        ...(expected.audience === undefined ? {} : { audience: expected.audience }),
        requiredClaims: [...expected.requiredClaims],
        clockTolerance: CLOCK_TOLERANCE_SECONDS,
        ...(expected.now === undefined ? {} : { currentDate: expected.now }),
      },
    );
    return { payload, kid: protectedHeader.kid ?? '' };
  } catch (error) {
    throw refusalOf(error);
  }
}

const CLAIM_REASONS: Readonly<Record<string, string>> = {
  typ: 'wrong token type',
  iss: 'wrong issuer',
  aud: 'wrong audience',
  nbf: 'not yet valid',
};

function refusalOf(error: unknown): unknown {
  if (error instanceof TokenRefusal) return error;
  const code = joseCode(error);
  switch (code) {
    case 'ERR_JWT_EXPIRED':
      return new TokenRefusal(true, 'expired');
    case 'ERR_JWT_CLAIM_VALIDATION_FAILED': {
      const claim = (error as { claim?: unknown }).claim;
      const name = typeof claim === 'string' && /^[a-z_]{1,32}$/.test(claim) ? claim : 'unknown';
      return new TokenRefusal(false, CLAIM_REASONS[name] ?? `claim ${name} missing or invalid`);
    }
    case 'ERR_JOSE_ALG_NOT_ALLOWED':
      return new TokenRefusal(false, 'algorithm not allowed');
    case 'ERR_JOSE_NOT_SUPPORTED':
      return new TokenRefusal(false, 'unsupported header');
    case 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED':
      return new TokenRefusal(false, 'bad signature');
    case 'ERR_JWS_INVALID':
    case 'ERR_JWT_INVALID':
      return new TokenRefusal(false, 'malformed token');
    case undefined:
      // Not a verdict on the token (a bug or a broken key): surfaces as an internal error.
      return error;
    default:
      return new TokenRefusal(false, 'unverifiable token');
  }
}

// jose errors are matched by their stable code rather than instanceof, which breaks across realms.
function joseCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && /^ERR_(JOSE|JWT|JWS|JWK)/.test(code) ? code : undefined;
}
