import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { parseBody } from '../http/errors';
import type { DemoSession, PendingAuthentication } from '../http/session';
import { completePayment, completeSignIn, type DemoDeps, endUserIp, pendingOf, signedInUser } from './flow';

const challengeBody = z.object({ factorId: z.uuid({ error: 'must be a UUID' }) });

const answerBody = z
  .object({
    challengeId: z.uuid({ error: 'must be a UUID' }),
    code: z.string().trim().min(1, 'is required').max(64, 'must be at most 64 characters').optional(),
    webauthnResponseJson: z.string().min(1).max(16_384, 'must be at most 16 KiB').optional(),
    remember: z.boolean().default(false),
  })
  .refine((b) => (b.code === undefined) !== (b.webauthnResponseJson === undefined), {
    message: 'needs exactly one of code or webauthnResponseJson',
  });

type Answer = z.infer<typeof answerBody>;

/** Strongest first, recovery codes last: they are for emergencies. */
const ORDER = ['webauthn', 'totp', 'sms_otp', 'voice_otp', 'email_otp', 'recovery_codes'];

/**
 * The challenge of whatever is pending in the session: a sign-in or a payment (a Portcullis
 * authentication), or a re-authentication before a factor change (a bare factor challenge whose
 * verified id is the MFA proof).
 */
export function registerChallengeRoutes(app: FastifyInstance, deps: DemoDeps): void {
  const { portcullis, sessions } = deps;

  /** Sends a code or prepares a passkey challenge for the chosen factor. */
  app.post('/api/challenge', async (request) => {
    const body = parseBody(challengeBody, request.body);
    const session = sessions.read(request);
    const pending = pendingOf(session, 'sign_in', 'step_up', 'reauth');
    const started =
      pending.kind === 'reauth'
        ? await portcullis.startChallenge(
            { userId: signedInUser(session).userId, factorId: body.factorId, authenticationId: pending.id },
            { endUserIp: endUserIp(request) },
          )
        : await portcullis.startAuthenticationChallenge({
            authenticationId: pending.id,
            factorId: body.factorId,
          });
    return {
      challengeId: started.challengeId,
      type: started.type,
      ...(started.destinationHint ? { destinationHint: started.destinationHint } : {}),
      ...(started.requestOptionsJson ? { requestOptionsJson: started.requestOptionsJson } : {}),
    };
  });

  app.post('/api/verify', async (request, reply) => {
    const body = parseBody(answerBody, request.body);
    const session = sessions.read(request);
    return verifyPending(deps, request, reply, session, pendingOf(session), body);
  });

  /**
   * Adding a factor to an account that has one needs a fresh MFA: this starts a re-authentication
   * with the user's own factors; once verified, its challenge id is the proof.
   */
  app.post('/api/reauth', async (request, reply) => {
    const session = sessions.read(request);
    const { userId } = signedInUser(session);
    const { factors } = await portcullis.listFactors({ userId });
    const usable = factors
      .filter((f) => f.status === 'ACTIVE')
      .sort((a, b) => ORDER.indexOf(a.type) - ORDER.indexOf(b.type));
    sessions.write(request, reply, { ...session, pending: { kind: 'reauth', id: randomUUID() } });
    return {
      status: 'CHALLENGE_REQUIRED',
      kind: 'reauth',
      reasons: [],
      factors: usable.map((f) => ({
        factorId: f.id,
        type: f.type,
        name: f.name,
        destinationHint: f.destinationHint,
      })),
    };
  });
}

/** Verifies the answer to the pending challenge and finishes what it was for. */
export async function verifyPending(
  deps: DemoDeps,
  request: FastifyRequest,
  reply: FastifyReply,
  session: DemoSession,
  pending: PendingAuthentication,
  answer: Omit<Answer, 'code'> & { code?: string },
) {
  const proof =
    answer.code !== undefined
      ? { code: answer.code }
      : { webauthnResponseJson: answer.webauthnResponseJson! };
  if (pending.kind === 'reauth') {
    const verified = await deps.portcullis.verifyChallenge({
      challengeId: answer.challengeId,
      authenticationId: pending.id,
      proof,
    });
    deps.sessions.write(request, reply, { ...session, pending: undefined, mfaProof: verified.challengeId });
    return { status: 'SUCCEEDED', kind: 'reauth', amr: verified.amr };
  }
  const outcome = await deps.portcullis.verifyAuthentication({
    authenticationId: pending.id,
    challengeId: answer.challengeId,
    rememberDevice: answer.remember,
    ...proof,
  });
  if (pending.kind === 'step_up') {
    if (!pending.action) throw new Error('a pending step-up without its payment');
    return completePayment(deps, request, reply, session, outcome, pending.action, answer.challengeId);
  }
  return completeSignIn(deps, request, reply, session, outcome, {
    challengeId: answer.challengeId,
    ...(pending.kind === 'sign_in' && session.email ? { email: session.email } : {}),
  });
}
