import type { EventType } from '@portcullis/contracts';
import type { NewEvent } from '@portcullis/messaging';
import type { Challenge, ChallengePurpose } from './challenge';
import type { Factor, FactorStatus, FactorType, Strength, WebAuthnCredential } from './factor';
import type { FactorPolicy } from './factor-policy';
import type { VerificationFailure } from './factors.errors';

export interface NewFactor {
  readonly factor: Factor;
  /** Sealed by the repository (AES-256-GCM envelope, bound to the factor id). */
  readonly secret?: string | undefined;
  readonly destination?: string | undefined;
}

export interface FactorRepository {
  findById(tenantId: string, userId: string, id: string): Promise<Factor | undefined>;
  findInTenant(tenantId: string, id: string): Promise<Factor | undefined>;
  listByUser(tenantId: string, userId: string, includeRemoved: boolean): Promise<Factor[]>;
  countOpen(tenantId: string, userId: string, now: Date): Promise<number>;
  insert(record: NewFactor): Promise<void>;
  activate(id: string, at: Date, webauthn?: WebAuthnCredential): Promise<void>;
  setStatus(id: string, status: FactorStatus, at: Date): Promise<void>;
  rename(id: string, name: string): Promise<void>;
  setPreferred(tenantId: string, userId: string, id: string): Promise<void>;
  /** Atomic replay guard: true when `step` is later than every step used before. */
  claimTotpStep(id: string, step: number): Promise<boolean>;
  updateSignCount(id: string, signCount: number, cloneSuspected: boolean): Promise<void>;
  /** Finds an active passkey of the tenant by credential id (passwordless sign-in). */
  findByCredentialId(tenantId: string, credentialId: string): Promise<Factor | undefined>;
}

/**
 * The privileged repository (STYLE.md 9): the only way to read a factor's secret material.
 */
export interface FactorSecrets {
  totpSeed(factor: Factor): Promise<string>;
  destination(factor: Factor): Promise<string>;
}

export interface RecoveryCodeRepository {
  replace(factorId: string, hashes: readonly string[]): Promise<void>;
  /** USED: consumed now; ALREADY_USED: it was consumed before; UNKNOWN: no such code. */
  consume(factorId: string, hash: string, at: Date): Promise<'USED' | 'ALREADY_USED' | 'UNKNOWN'>;
  remaining(factorId: string): Promise<number>;
}

export interface ChallengeRepository {
  insert(challenge: Challenge): Promise<void>;
  findById(tenantId: string, id: string): Promise<Challenge | undefined>;
  /**
   * Single use: false when the challenge was no longer pending. Records the factor's use (last
   * used, consecutive failures back to zero) in the same statement.
   */
  markVerified(id: string, at: Date, userId: string, factorId: string, strength: Strength): Promise<boolean>;
  /**
   * Consumes a verified challenge as the proof of a recent MFA for a factor change (single use).
   */
  consumeProof(
    tenantId: string,
    userId: string,
    id: string,
    minStrength: Strength,
    notBefore: Date,
    at: Date,
  ): Promise<boolean>;
}

export interface PolicyRepository {
  find(tenantId: string): Promise<FactorPolicy | undefined>;
  save(tenantId: string, policy: FactorPolicy, at: Date): Promise<void>;
}

export interface EventRecorder {
  record<K extends EventType>(event: NewEvent<K>): Promise<void>;
}

/** Everything one use-case may touch, bound to one database transaction. */
export interface FactorsTransaction {
  readonly factors: FactorRepository;
  readonly secrets: FactorSecrets;
  readonly recoveryCodes: RecoveryCodeRepository;
  readonly challenges: ChallengeRepository;
  readonly policies: PolicyRepository;
  readonly events: EventRecorder;
}

export abstract class FactorsUnitOfWork {
  abstract run<T>(work: (tx: FactorsTransaction) => Promise<T>): Promise<T>;
  /** Reads without a transaction (each statement on its own): for lookups that write nothing. */
  abstract read<T>(work: (tx: FactorsTransaction) => Promise<T>): Promise<T>;
}

/**
 * Consecutive-failure counters, committed outside the verification's transaction so that an
 * attempt counts even when the verification fails or the process dies (SECURITY.md 17).
 */
export abstract class AttemptLimiter {
  /** Charges one attempt before verifying; `undefined` when the factor is locked or at its cap. */
  abstract reserve(factorId: string, policy: FactorPolicy, now: Date): Promise<number | undefined>;
  /** After a failed attempt: locks the factor when the cap is reached; returns the lock's end. */
  abstract fail(factorId: string, policy: FactorPolicy, now: Date): Promise<Date | undefined>;
  /** Reads the current lock (for the error a locked caller gets). */
  abstract lockedUntil(factorId: string): Promise<Date | undefined>;
}

export abstract class Clock {
  abstract now(): Date;
}

export abstract class IdGenerator {
  abstract next(): string;
}

/** Keyed hashing of codes (SECURITY.md 6, 11): never stored in the clear. */
export abstract class CodeHasher {
  abstract hash(code: string, context: string): string;
  abstract matches(code: string, context: string, expected: string): boolean;
}

/** Seals a code and its destination for the delivery service (code-transport key ring). */
export abstract class CodeSealer {
  abstract seal(
    codeId: string,
    code: string,
    destination: string,
  ): {
    keyId: string;
    code: string;
    destination: string;
  };
}

/** Default policy values from settings, used until a tenant sets its own. */
export abstract class PolicyDefaultsProvider {
  abstract policy(): FactorPolicy;
}

/** One verification's result, as the metrics endpoint counts it: no tenant, user or factor id. */
export type ChallengeOutcome =
  | { readonly factorType: FactorType; readonly purpose: ChallengePurpose; readonly outcome: 'success' }
  | {
      readonly factorType: FactorType;
      readonly purpose: ChallengePurpose;
      readonly outcome: 'failure';
      readonly reason: VerificationFailure;
    };

/** Counts verification outcomes (portcullis.challenge.outcomes); unit tests replace it. */
export abstract class ChallengeMetrics {
  abstract outcome(outcome: ChallengeOutcome): void;
}
