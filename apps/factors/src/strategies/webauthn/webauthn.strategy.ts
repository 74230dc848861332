import { randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import {
  type AuthenticationResponseJSON,
  generateAuthenticationOptions,
  generateRegistrationOptions,
  type RegistrationResponseJSON,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
} from '@simplewebauthn/server';
import type { WebAuthnCredential } from '../../domain/factor';
import type { WebAuthnPolicy } from '../../domain/factor-policy';
import { credentialAlreadyRegistered } from '../../domain/factors.errors';
import type {
  ChallengeInput,
  ChallengePlan,
  EnrollmentInput,
  EnrollmentPlan,
  FactorStrategy,
  Proof,
  VerificationInput,
  VerificationOutcome,
} from '../factor-strategy';

const TIMEOUT_MS = 120_000;

/** 256 bits per challenge, base64url (SECURITY.md 13: at least 128). */
const newChallenge = () => randomBytes(32).toString('base64url');

function parseResponse<T>(proof: Proof): T | undefined {
  if (!('webauthnResponseJson' in proof)) return undefined;
  try {
    const parsed: unknown = JSON.parse(proof.webauthnResponseJson);
    return parsed && typeof parsed === 'object' ? (parsed as T) : undefined;
  } catch {
    return undefined;
  }
}

/** The user handle is the user's id, so a passwordless assertion names its user. */
export const userHandleOf = (userId: string) => Buffer.from(userId, 'utf8');

const ATTESTED = new Set(['direct', 'enterprise']);

/**
 * WebAuthn (passkeys and security keys) with @simplewebauthn/server. Everything the options ask
 * of the browser is checked again here, on the server (SECURITY.md 12): challenge, origin, RP ID
 * hash, type, UP, UV, algorithm, attestation, attachment, resident key, backup flags.
 */
@Injectable()
export class WebAuthnStrategy implements FactorStrategy {
  readonly type = 'webauthn' as const;
  readonly strength = 3 as const;
  readonly amr = ['hwk', 'user'];
  readonly proofKind = 'webauthn' as const;

  async beginEnrollment(input: EnrollmentInput): Promise<EnrollmentPlan> {
    const p = input.policy.webauthn;
    const challenge = newChallenge();
    const options = await generateRegistrationOptions({
      rpName: p.rpName,
      rpID: p.rpId,
      userName: input.accountName,
      userID: userHandleOf(input.userId),
      challenge: Buffer.from(challenge, 'base64url'),
      timeout: TIMEOUT_MS,
      attestationType: p.attestation === 'indirect' ? 'direct' : p.attestation,
      excludeCredentials: input.existing
        .filter((f) => f.webauthn && f.status === 'ACTIVE')
        .map((f) => ({ id: f.webauthn!.credentialId, transports: [...f.webauthn!.transports] })),
      authenticatorSelection: {
        residentKey: p.residentKey,
        userVerification: p.userVerification,
        ...(p.authenticatorAttachment ? { authenticatorAttachment: p.authenticatorAttachment } : {}),
      },
      supportedAlgorithmIDs: [...p.algorithms],
      extensions: { credProps: true },
    });
    return {
      webauthnChallenge: challenge,
      setup: { kind: 'webauthn', creationOptionsJson: JSON.stringify(options) },
    };
  }

  async startChallenge(input: ChallengeInput): Promise<ChallengePlan> {
    const p = input.policy.webauthn;
    const challenge = newChallenge();
    const credential = input.factor?.webauthn;
    const options = await generateAuthenticationOptions({
      rpID: p.rpId,
      challenge: Buffer.from(challenge, 'base64url'),
      timeout: TIMEOUT_MS,
      userVerification: p.userVerification,
      // Empty for passwordless: the browser offers the discoverable credentials of this RP.
      allowCredentials: credential
        ? [{ id: credential.credentialId, transports: [...credential.transports] }]
        : [],
    });
    return { webauthnChallenge: challenge, requestOptionsJson: JSON.stringify(options) };
  }

  verify(input: VerificationInput): Promise<VerificationOutcome> {
    return input.challenge.purpose === 'ENROLLMENT'
      ? this.verifyRegistration(input)
      : this.verifyAssertion(input);
  }

  private async verifyRegistration({
    tx,
    challenge,
    proof,
    policy,
  }: VerificationInput): Promise<VerificationOutcome> {
    const response = parseResponse<RegistrationResponseJSON>(proof);
    if (!response || !challenge.webauthnChallenge) return { ok: false, reason: 'WEBAUTHN_INVALID' };
    const p = policy.webauthn;
    let info;
    try {
      const result = await verifyRegistrationResponse({
        response,
        expectedChallenge: challenge.webauthnChallenge,
        expectedOrigin: [...p.origins],
        expectedRPID: p.rpId,
        requireUserPresence: true,
        requireUserVerification: p.userVerification === 'required',
        supportedAlgorithmIDs: [...p.algorithms],
      });
      if (!result.verified) return { ok: false, reason: 'WEBAUTHN_INVALID' };
      info = result.registrationInfo;
    } catch {
      // Wrong origin, RP ID, challenge, type, flags (BS without BE), algorithm or signature.
      return { ok: false, reason: 'WEBAUTHN_INVALID' };
    }
    if (!this.meetsPolicy(p, info.fmt, response)) return { ok: false, reason: 'WEBAUTHN_POLICY_VIOLATION' };
    // SECURITY.md 15: the library refuses BS without BE; kept explicit for the record.
    if (info.credentialBackedUp && info.credentialDeviceType !== 'multiDevice') {
      return { ok: false, reason: 'WEBAUTHN_INVALID' };
    }
    const credentialId = info.credential.id;
    if (await tx.factors.findByCredentialId(challenge.tenantId, credentialId)) {
      throw credentialAlreadyRegistered();
    }
    const credential: WebAuthnCredential = {
      credentialId,
      publicKey: Buffer.from(info.credential.publicKey),
      signCount: info.credential.counter,
      transports: info.credential.transports ?? response.response.transports ?? [],
      aaguid: info.aaguid,
      backupEligible: info.credentialDeviceType === 'multiDevice',
      backedUp: info.credentialBackedUp,
      attachment: response.authenticatorAttachment ?? '',
      discoverable: response.clientExtensionResults?.credProps?.rk === true,
      cloneSuspected: false,
    };
    return { ok: true, credential };
  }

  private meetsPolicy(p: WebAuthnPolicy, fmt: string, response: RegistrationResponseJSON): boolean {
    if (ATTESTED.has(p.attestation) && fmt === 'none') return false;
    if (p.authenticatorAttachment && response.authenticatorAttachment !== p.authenticatorAttachment)
      return false;
    if (p.residentKey === 'required' && response.clientExtensionResults?.credProps?.rk === false)
      return false;
    return true;
  }

  private async verifyAssertion({
    factor,
    challenge,
    proof,
    policy,
  }: VerificationInput): Promise<VerificationOutcome> {
    const response = parseResponse<AuthenticationResponseJSON>(proof);
    const stored = factor.webauthn;
    if (!response || !stored || !challenge.webauthnChallenge || response.id !== stored.credentialId) {
      return { ok: false, reason: 'WEBAUTHN_INVALID' };
    }
    const p = policy.webauthn;
    let info;
    try {
      const result = await verifyAuthenticationResponse({
        response,
        expectedChallenge: challenge.webauthnChallenge,
        expectedOrigin: [...p.origins],
        expectedRPID: p.rpId,
        // Counter 0 here: the clone policy below decides (reject or flag), not the library.
        credential: {
          id: stored.credentialId,
          publicKey: new Uint8Array(stored.publicKey),
          counter: 0,
          transports: [],
        },
        requireUserVerification: p.userVerification === 'required',
      });
      if (!result.verified) return { ok: false, reason: 'WEBAUTHN_INVALID' };
      info = result.authenticationInfo;
    } catch {
      return { ok: false, reason: 'WEBAUTHN_INVALID' };
    }
    if (info.credentialBackedUp && !stored.backupEligible) return { ok: false, reason: 'WEBAUTHN_INVALID' };
    const received = info.newCounter;
    // SECURITY.md 14: a non-zero counter that does not increase suggests a cloned authenticator.
    if ((received > 0 || stored.signCount > 0) && received <= stored.signCount) {
      const clone = { stored: stored.signCount, received };
      return p.clonePolicy === 'reject'
        ? { ok: false, reason: 'WEBAUTHN_CLONE_SUSPECTED', cloneSuspected: clone }
        : { ok: true, cloneFlagged: clone, signCount: stored.signCount };
    }
    return { ok: true, signCount: received };
  }
}
