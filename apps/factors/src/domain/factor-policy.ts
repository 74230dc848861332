import type { FactorType, TotpParameters } from './factor';

export type UserVerification = 'required' | 'preferred' | 'discouraged';
export type Attestation = 'none' | 'indirect' | 'direct' | 'enterprise';
export type Attachment = '' | 'platform' | 'cross-platform';
export type ResidentKey = 'discouraged' | 'preferred' | 'required';

export interface WebAuthnPolicy {
  readonly rpId: string;
  readonly rpName: string;
  readonly origins: readonly string[];
  readonly userVerification: UserVerification;
  readonly attestation: Attestation;
  readonly authenticatorAttachment: Attachment;
  readonly residentKey: ResidentKey;
  readonly algorithms: readonly number[];
  readonly clonePolicy: 'reject' | 'flag';
}

export interface TotpPolicy extends TotpParameters {
  readonly issuer: string;
  readonly driftSteps: number;
}

/** A tenant's factor rules (a row per tenant; defaults from settings until one is set). */
export interface FactorPolicy {
  /** Empty: every type. */
  readonly allowedTypes: readonly FactorType[];
  readonly totp: TotpPolicy;
  readonly webauthn: WebAuthnPolicy;
  readonly maxFailedAttempts: number;
  readonly lockoutSeconds: number;
  readonly codeTtlSeconds: number;
  readonly codeLength: number;
  readonly mfaProofMaxAgeSeconds: number;
}

/** Passkey challenges live a little longer than a browser prompt needs. */
export const WEBAUTHN_CHALLENGE_TTL_SECONDS = 300;
/** TOTP and recovery-code challenges only bind an answer to an authentication. */
export const BINDING_CHALLENGE_TTL_SECONDS = 600;
/** Users keep a bounded number of factors (enrolments included). */
export const MAX_FACTORS_PER_USER = 20;

export function allowsType(policy: FactorPolicy, type: FactorType): boolean {
  return policy.allowedTypes.length === 0 || policy.allowedTypes.includes(type);
}

export interface PolicyDefaults {
  readonly rpId: string;
  readonly rpName: string;
  readonly origins: readonly string[];
  readonly issuer: string;
}

/** The built-in policy: SHA-1/6/30 TOTP as authenticator apps expect, UV required for passkeys. */
export function defaultFactorPolicy(defaults: PolicyDefaults): FactorPolicy {
  return {
    allowedTypes: [],
    totp: { issuer: defaults.issuer, algorithm: 'SHA1', digits: 6, period: 30, driftSteps: 1 },
    webauthn: {
      rpId: defaults.rpId,
      rpName: defaults.rpName,
      origins: defaults.origins,
      userVerification: 'required',
      attestation: 'none',
      authenticatorAttachment: '',
      residentKey: 'preferred',
      algorithms: [-7, -8, -257],
      clonePolicy: 'reject',
    },
    maxFailedAttempts: 5,
    lockoutSeconds: 900,
    codeTtlSeconds: 300,
    codeLength: 6,
    mfaProofMaxAgeSeconds: 300,
  };
}
