/** The factor types, one strategy folder each under strategies/. */
export const FACTOR_TYPES = [
  'totp',
  'webauthn',
  'sms_otp',
  'voice_otp',
  'email_otp',
  'recovery_codes',
] as const;
export type FactorType = (typeof FACTOR_TYPES)[number];

export type FactorStatus = 'PENDING' | 'ACTIVE' | 'REMOVED';

/**
 * Assurance strength used for factor changes (SECURITY.md 25): restricted out-of-band codes (1),
 * possession of a seed or a printed code (2), phishing-resistant public-key credentials (3).
 */
export type Strength = 1 | 2 | 3;

export interface WebAuthnCredential {
  readonly credentialId: string;
  readonly publicKey: Buffer;
  readonly signCount: number;
  readonly transports: readonly string[];
  readonly aaguid: string;
  readonly backupEligible: boolean;
  readonly backedUp: boolean;
  readonly attachment: string;
  readonly discoverable: boolean;
  readonly cloneSuspected: boolean;
}

/** A factor's public record; secrets live only behind FactorSecrets. */
export interface Factor {
  readonly id: string;
  readonly tenantId: string;
  readonly userId: string;
  readonly type: FactorType;
  readonly name: string;
  readonly status: FactorStatus;
  readonly destinationHint: string;
  readonly preferred: boolean;
  readonly createdAt: Date;
  readonly activatedAt: Date | undefined;
  readonly lastUsedAt: Date | undefined;
  readonly removedAt: Date | undefined;
  readonly failedAttempts: number;
  readonly lockedUntil: Date | undefined;
  /** TOTP parameters fixed at enrolment (the app was set up with them). */
  readonly totp: TotpParameters | undefined;
  readonly webauthn: WebAuthnCredential | undefined;
  readonly recoveryCodesRemaining: number;
}

export interface TotpParameters {
  readonly algorithm: 'SHA1' | 'SHA256' | 'SHA512';
  readonly digits: 6 | 8;
  readonly period: 30 | 60;
}

export const DEFAULT_FACTOR_NAMES: Record<FactorType, string> = {
  totp: 'Authenticator app',
  webauthn: 'Passkey',
  sms_otp: 'Text message',
  voice_otp: 'Voice call',
  email_otp: 'Email',
  recovery_codes: 'Recovery codes',
};

export function isLocked(factor: Pick<Factor, 'lockedUntil'>, now: Date): boolean {
  return factor.lockedUntil !== undefined && factor.lockedUntil > now;
}

/** "+447700900123" → "+44*******23"; "jane@example.com" → "j***@example.com". */
export function destinationHint(destination: string): string {
  if (destination.includes('@')) {
    const at = destination.lastIndexOf('@');
    return `${destination.slice(0, 1)}***${destination.slice(at)}`;
  }
  return `${destination.slice(0, 3)}${'*'.repeat(Math.max(destination.length - 5, 0))}${destination.slice(-2)}`;
}
