import { Injectable } from '@nestjs/common';
import { normaliseRecoveryCode, randomRecoveryCode } from '@portcullis/crypto';
import { CodeHasher } from '../../domain/ports';
import type {
  ChallengePlan,
  EnrollmentInput,
  EnrollmentPlan,
  FactorStrategy,
  VerificationInput,
  VerificationOutcome,
} from '../factor-strategy';

/** Ten codes of 80 bits (SECURITY.md 11). */
export const RECOVERY_CODE_COUNT = 10;

/**
 * Recovery codes: a set shown once, stored as keyed hashes bound to the factor, each usable once.
 * A new set is a new factor that replaces the old one.
 */
@Injectable()
export class RecoveryCodesStrategy implements FactorStrategy {
  readonly type = 'recovery_codes' as const;
  readonly strength = 2 as const;
  readonly amr = ['otp'];
  readonly proofKind = 'code' as const;

  constructor(private readonly hasher: CodeHasher) {}

  beginEnrollment(input: EnrollmentInput): Promise<EnrollmentPlan> {
    const codes = Array.from({ length: RECOVERY_CODE_COUNT }, () => randomRecoveryCode());
    return Promise.resolve({
      setup: { kind: 'recovery_codes', codes },
      activeWithCodeHashes: codes.map((c) => this.hasher.hash(normaliseRecoveryCode(c), input.factorId)),
    });
  }

  startChallenge(): Promise<ChallengePlan> {
    return Promise.resolve({});
  }

  async verify({ tx, factor, proof, now }: VerificationInput): Promise<VerificationOutcome> {
    if (!('code' in proof)) return { ok: false, reason: 'CODE_INVALID' };
    const hash = this.hasher.hash(normaliseRecoveryCode(proof.code), factor.id);
    const outcome = await tx.recoveryCodes.consume(factor.id, hash, now);
    if (outcome === 'UNKNOWN') return { ok: false, reason: 'CODE_INVALID' };
    if (outcome === 'ALREADY_USED') return { ok: false, reason: 'CODE_REUSED' };
    return { ok: true, recoveryCodesRemaining: await tx.recoveryCodes.remaining(factor.id) };
  }
}
