import { factorsV1, toTimestamp } from '@portcullis/contracts';
import type { Factor } from '../domain/factor';
import type { FactorPolicy } from '../domain/factor-policy';
import type { EnrollmentSetup } from '../strategies/factor-strategy';
import { FactorStrategies } from '../strategies/factor-strategies';

export function toFactorMessage(f: Factor, strategies: FactorStrategies): factorsV1.Factor {
  return {
    id: f.id,
    tenantId: f.tenantId,
    userId: f.userId,
    type: f.type,
    name: f.name,
    status: f.status,
    destinationHint: f.destinationHint,
    preferred: f.preferred,
    createTime: toTimestamp(f.createdAt),
    activateTime: f.activatedAt ? toTimestamp(f.activatedAt) : undefined,
    lastUseTime: f.lastUsedAt ? toTimestamp(f.lastUsedAt) : undefined,
    strength: strategies.of(f.type).strength,
    lockedUntilTime: f.lockedUntil && f.lockedUntil > new Date() ? toTimestamp(f.lockedUntil) : undefined,
    recoveryCodesRemaining: f.recoveryCodesRemaining,
    webauthn: f.webauthn
      ? {
          credentialId: f.webauthn.credentialId,
          aaguid: f.webauthn.aaguid,
          transports: [...f.webauthn.transports],
          backupEligible: f.webauthn.backupEligible,
          backedUp: f.webauthn.backedUp,
          attachment: f.webauthn.attachment,
          discoverable: f.webauthn.discoverable,
          cloneSuspected: f.webauthn.cloneSuspected,
        }
      : undefined,
  };
}

export function toSetupMessage(setup: EnrollmentSetup): Partial<factorsV1.BeginEnrollmentResponse> {
  switch (setup.kind) {
    case 'totp':
      return {
        totp: {
          otpauthUri: setup.otpauthUri,
          qrCodeDataUrl: setup.qrCodeDataUrl,
          secret: setup.secret,
          algorithm: setup.parameters.algorithm,
          digits: setup.parameters.digits,
          period: setup.parameters.period,
        },
      };
    case 'webauthn':
      return { webauthn: { creationOptionsJson: setup.creationOptionsJson } };
    case 'out_of_band':
      return { outOfBand: { channel: setup.channel, destinationHint: setup.destinationHint } };
    case 'recovery_codes':
      return { recoveryCodes: { codes: [...setup.codes] } };
  }
}

export function toPolicyMessage(p: FactorPolicy): factorsV1.FactorPolicy {
  return {
    allowedTypes: [...p.allowedTypes],
    totp: { ...p.totp },
    webauthn: { ...p.webauthn, origins: [...p.webauthn.origins], algorithms: [...p.webauthn.algorithms] },
    maxFailedAttempts: p.maxFailedAttempts,
    lockoutSeconds: p.lockoutSeconds,
    codeTtlSeconds: p.codeTtlSeconds,
    codeLength: p.codeLength,
    mfaProofMaxAgeSeconds: p.mfaProofMaxAgeSeconds,
  };
}
