import { type FactorType, isPortcullisError } from '@portcullis/sdk';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { DemoError, parseBody } from '../http/errors';
import { type DemoDeps, endUserIp, signedInUser } from './flow';

const totpActivation = z.object({
  enrollmentId: z.uuid({ error: 'must be a UUID' }),
  code: z.string().trim().min(1, 'is required').max(64, 'must be at most 64 characters'),
});

const passkeyActivation = z.object({
  enrollmentId: z.uuid({ error: 'must be a UUID' }),
  webauthnResponseJson: z.string().min(1).max(16_384, 'must be at most 16 KiB'),
});

/**
 * Security settings: an authenticator app (TOTP), a passkey, recovery codes. The first factor
 * needs nothing more than the signed-in session; any further one needs a fresh MFA, whose proof
 * is the challenge id of the last challenge verified in this session (single use). When there
 * is none, Portcullis answers MFA_PROOF_REQUIRED (or MFA_PROOF_INVALID for a spent or stale
 * one) and the page re-authenticates through /api/reauth, then tries again.
 */
export function registerFactorRoutes(app: FastifyInstance, deps: DemoDeps): void {
  const { portcullis, sessions } = deps;

  async function begin(request: FastifyRequest, reply: FastifyReply, type: FactorType, name: string) {
    const session = sessions.read(request);
    const { userId } = signedInUser(session);
    const mfaProof = session.mfaProof;
    const spend = () => sessions.write(request, reply, { ...session, mfaProof: undefined });
    try {
      const begun = await portcullis.beginFactorEnrollment(
        { userId, type, name, ...(mfaProof ? { mfaProof } : {}) },
        { endUserIp: endUserIp(request) },
      );
      // Single use: the proof is spent once an enrolment has begun with it.
      if (mfaProof) spend();
      return begun;
    } catch (error) {
      if (mfaProof && isPortcullisError(error) && error.code === 'MFA_PROOF_INVALID') spend();
      throw error;
    }
  }

  app.post('/api/factors/totp', async (request, reply) => {
    const begun = await begin(request, reply, 'totp', 'Authenticator app');
    if (!begun.totp) throw new DemoError(502, 'UNEXPECTED_RESPONSE', 'Portcullis sent no TOTP setup');
    return {
      enrollmentId: begun.enrollmentId,
      qrCodeDataUrl: begun.totp.qrCodeDataUrl,
      secret: begun.totp.secret,
      otpauthUri: begun.totp.otpauthUri,
    };
  });

  app.post('/api/factors/totp/activate', async (request) => {
    const body = parseBody(totpActivation, request.body);
    const { userId } = signedInUser(sessions.read(request));
    const { factor } = await portcullis.activateFactor({
      userId,
      enrollmentId: body.enrollmentId,
      proof: { code: body.code },
    });
    return { factor: { id: factor.id, type: factor.type, name: factor.name, status: factor.status } };
  });

  app.post('/api/factors/passkey', async (request, reply) => {
    const begun = await begin(request, reply, 'webauthn', 'Passkey');
    if (!begun.webauthn)
      throw new DemoError(502, 'UNEXPECTED_RESPONSE', 'Portcullis sent no passkey options');
    return { enrollmentId: begun.enrollmentId, creationOptionsJson: begun.webauthn.creationOptionsJson };
  });

  app.post('/api/factors/passkey/activate', async (request) => {
    const body = parseBody(passkeyActivation, request.body);
    const { userId } = signedInUser(sessions.read(request));
    const { factor } = await portcullis.activateFactor({
      userId,
      enrollmentId: body.enrollmentId,
      proof: { webauthnResponseJson: body.webauthnResponseJson },
    });
    return { factor: { id: factor.id, type: factor.type, name: factor.name, status: factor.status } };
  });

  /** Active at once (they are their own proof) and shown only in this answer. */
  app.post('/api/factors/recovery-codes', async (request, reply) => {
    const begun = await begin(request, reply, 'recovery_codes', 'Recovery codes');
    if (!begun.recoveryCodes)
      throw new DemoError(502, 'UNEXPECTED_RESPONSE', 'Portcullis sent no recovery codes');
    void reply.header('cache-control', 'no-store');
    return { codes: begun.recoveryCodes.codes };
  });
}
