import { Injectable } from '@nestjs/common';
import { NodeCryptoPlugin } from '@otplib/plugin-crypto-node';
import { generateSecret, generateURI, verifySync } from 'otplib';
import { toDataURL } from 'qrcode';
import type { TotpParameters } from '../../domain/factor';
import type {
  ChallengePlan,
  EnrollmentInput,
  EnrollmentPlan,
  FactorStrategy,
  VerificationInput,
  VerificationOutcome,
} from '../factor-strategy';

const crypto = new NodeCryptoPlugin();

/** RFC 6238 TOTP with the server clock only (SECURITY.md 5). */
export function verifyTotp(
  /** Base32 as stored, or raw bytes. */
  seed: string | Uint8Array,
  code: string,
  parameters: TotpParameters,
  driftSteps: number,
  now: Date,
): number | undefined {
  if (!/^\d+$/.test(code) || code.length !== parameters.digits) return undefined;
  const result = verifySync({
    secret: seed,
    token: code,
    algorithm: parameters.algorithm.toLowerCase() as 'sha1' | 'sha256' | 'sha512',
    digits: parameters.digits,
    period: parameters.period,
    epoch: Math.floor(now.getTime() / 1000),
    epochTolerance: driftSteps * parameters.period,
    crypto,
  });
  return result.valid && 'timeStep' in result ? result.timeStep : undefined;
}

@Injectable()
export class TotpStrategy implements FactorStrategy {
  readonly type = 'totp' as const;
  readonly strength = 2 as const;
  readonly amr = ['otp'];
  readonly proofKind = 'code' as const;

  async beginEnrollment(input: EnrollmentInput): Promise<EnrollmentPlan> {
    const { issuer, algorithm, digits, period } = input.policy.totp;
    // 160 bits from the CSPRNG (SECURITY.md 4).
    const secret = generateSecret({ length: 20, crypto });
    const otpauthUri = generateURI({
      issuer,
      label: input.accountName,
      secret,
      algorithm: algorithm.toLowerCase() as 'sha1',
      digits,
      period,
    });
    const qrCodeDataUrl = await toDataURL(otpauthUri, { errorCorrectionLevel: 'M', margin: 2, width: 256 });
    const parameters = { algorithm, digits, period };
    return {
      secret,
      totp: parameters,
      setup: { kind: 'totp', otpauthUri, qrCodeDataUrl, secret, parameters },
    };
  }

  startChallenge(): Promise<ChallengePlan> {
    return Promise.resolve({});
  }

  async verify({ tx, factor, proof, policy, now }: VerificationInput): Promise<VerificationOutcome> {
    if (!('code' in proof) || !factor.totp) return { ok: false, reason: 'CODE_INVALID' };
    const seed = await tx.secrets.totpSeed(factor);
    const step = verifyTotp(seed, proof.code, factor.totp, policy.totp.driftSteps, now);
    if (step === undefined) return { ok: false, reason: 'CODE_INVALID' };
    // Check-and-store in one statement: of two concurrent uses of a code, one wins (SECURITY.md 3).
    if (!(await tx.factors.claimTotpStep(factor.id, step))) return { ok: false, reason: 'CODE_REUSED' };
    return { ok: true };
  }
}
