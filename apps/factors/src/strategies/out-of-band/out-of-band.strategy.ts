import { randomDigits } from '@portcullis/crypto';
import { parsePhoneNumberFromString } from 'libphonenumber-js';
import { z } from 'zod';
import { destinationHint, type FactorType } from '../../domain/factor';
import { destinationRequired } from '../../domain/factors.errors';
import type { CodeHasher } from '../../domain/ports';
import type {
  ChallengeInput,
  ChallengePlan,
  EnrollmentInput,
  EnrollmentPlan,
  FactorStrategy,
  OutgoingCode,
  VerificationInput,
  VerificationOutcome,
} from '../factor-strategy';

const email = z.email();

/** E.164 for phones, lower-case for email; undefined when the value is not one. */
export function normaliseDestination(kind: 'phone' | 'email', value: string | undefined): string | undefined {
  if (!value) return undefined;
  if (kind === 'email') {
    const lowered = value.trim().toLowerCase();
    return lowered.length <= 254 && email.safeParse(lowered).success ? lowered : undefined;
  }
  const parsed = parsePhoneNumberFromString(value.trim());
  return parsed?.isValid() ? parsed.number : undefined;
}

/**
 * SMS, voice and email codes share one code path (SECURITY.md 6): a CSPRNG code of the policy's
 * length, stored only as a keyed hash bound to its challenge, valid for the policy's TTL, sent by
 * the delivery service from a sealed event.
 */
export abstract class OutOfBandCodeStrategy implements FactorStrategy {
  abstract readonly type: FactorType;
  abstract readonly channel: OutgoingCode['channel'];
  abstract readonly destinationKind: 'phone' | 'email';
  readonly strength = 1 as const;
  readonly proofKind = 'code' as const;
  abstract readonly amr: readonly string[];

  constructor(private readonly hasher: CodeHasher) {}

  beginEnrollment(input: EnrollmentInput): Promise<EnrollmentPlan> {
    const destination = normaliseDestination(this.destinationKind, input.destination);
    if (!destination) {
      throw destinationRequired(
        this.destinationKind === 'phone' ? 'valid phone number' : 'valid email address',
      );
    }
    const code = randomDigits(input.policy.codeLength);
    const hint = destinationHint(destination);
    return Promise.resolve({
      destination,
      destinationHint: hint,
      codeHash: this.hasher.hash(code, input.challengeId),
      outgoing: { channel: this.channel, code, destination },
      setup: { kind: 'out_of_band', channel: this.channel, destinationHint: hint },
    });
  }

  startChallenge(input: ChallengeInput): Promise<ChallengePlan> {
    if (!input.destination) throw new Error('an out-of-band factor without a destination');
    const code = randomDigits(input.policy.codeLength);
    return Promise.resolve({
      codeHash: this.hasher.hash(code, input.challengeId),
      outgoing: { channel: this.channel, code, destination: input.destination },
    });
  }

  verify({ challenge, proof }: VerificationInput): Promise<VerificationOutcome> {
    const ok =
      'code' in proof &&
      challenge.codeHash !== undefined &&
      this.hasher.matches(proof.code.trim(), challenge.id, challenge.codeHash);
    return Promise.resolve(ok ? { ok: true } : { ok: false, reason: 'CODE_INVALID' });
  }
}
