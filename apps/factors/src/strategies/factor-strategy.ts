import type { Challenge } from '../domain/challenge';
import type { Factor, FactorType, Strength, TotpParameters, WebAuthnCredential } from '../domain/factor';
import type { FactorPolicy } from '../domain/factor-policy';
import type { VerificationFailure } from '../domain/factors.errors';
import type { FactorsTransaction } from '../domain/ports';

/** What the user answers with. */
export type Proof = { readonly code: string } | { readonly webauthnResponseJson: string };

export type EnrollmentSetup =
  | {
      readonly kind: 'totp';
      readonly otpauthUri: string;
      readonly qrCodeDataUrl: string;
      readonly secret: string;
      readonly parameters: TotpParameters;
    }
  | { readonly kind: 'webauthn'; readonly creationOptionsJson: string }
  | { readonly kind: 'out_of_band'; readonly channel: string; readonly destinationHint: string }
  | { readonly kind: 'recovery_codes'; readonly codes: readonly string[] };

export interface EnrollmentInput {
  readonly tenantId: string;
  readonly userId: string;
  readonly factorId: string;
  /** The enrolment's challenge id. */
  readonly challengeId: string;
  readonly accountName: string;
  readonly destination: string | undefined;
  readonly policy: FactorPolicy;
  /** The user's other factors (passkeys to exclude, ...). */
  readonly existing: readonly Factor[];
}

/** A code for the delivery service to send (never stored or logged in the clear). */
export interface OutgoingCode {
  readonly channel: 'sms' | 'voice' | 'email';
  readonly code: string;
  readonly destination: string;
}

export interface EnrollmentPlan {
  readonly setup: EnrollmentSetup;
  /** Secret to seal at rest (TOTP seed). */
  readonly secret?: string;
  /** Normalised destination to seal at rest (out-of-band factors). */
  readonly destination?: string;
  readonly destinationHint?: string;
  readonly totp?: TotpParameters;
  readonly codeHash?: string;
  readonly webauthnChallenge?: string;
  readonly outgoing?: OutgoingCode;
  /** Recovery codes are usable at once: their hashes, stored with the active factor. */
  readonly activeWithCodeHashes?: readonly string[];
}

export interface ChallengeInput {
  readonly factor: Factor | undefined;
  readonly challengeId: string;
  readonly policy: FactorPolicy;
  readonly destination: string | undefined;
}

export interface ChallengePlan {
  readonly codeHash?: string;
  readonly webauthnChallenge?: string;
  readonly requestOptionsJson?: string;
  readonly outgoing?: OutgoingCode;
}

export interface VerificationInput {
  readonly tx: FactorsTransaction;
  readonly factor: Factor;
  readonly challenge: Challenge;
  readonly proof: Proof;
  readonly policy: FactorPolicy;
  readonly now: Date;
}

export type VerificationOutcome =
  | {
      readonly ok: true;
      /** A newly registered passkey (enrolment) to store with the factor. */
      readonly credential?: WebAuthnCredential;
      /** Recovery codes left after this one. */
      readonly recoveryCodesRemaining?: number;
      /** The passkey's signature counter after this assertion. */
      readonly signCount?: number;
      /** The passkey's counter went backwards and the policy only flags it. */
      readonly cloneFlagged?: { stored: number; received: number };
    }
  | {
      readonly ok: false;
      readonly reason: VerificationFailure;
      readonly cloneSuspected?: { stored: number; received: number };
    };

/**
 * One factor type (STYLE.md 7). The use-cases own persistence, attempt counting, single use and
 * events; a strategy owns only what differs between types.
 */
export interface FactorStrategy {
  readonly type: FactorType;
  readonly strength: Strength;
  /** RFC 8176 authentication method references. */
  readonly amr: readonly string[];
  readonly proofKind: 'code' | 'webauthn';
  beginEnrollment(input: EnrollmentInput): Promise<EnrollmentPlan>;
  startChallenge(input: ChallengeInput): Promise<ChallengePlan>;
  /** Checks the proof; may write inside `tx` (replay guards), which rolls back on a later failure. */
  verify(input: VerificationInput): Promise<VerificationOutcome>;
}

export const FACTOR_STRATEGIES = Symbol('FACTOR_STRATEGIES');
