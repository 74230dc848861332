import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { parseBody } from '../http/errors';
import {
  authenticationView,
  clientContext,
  completeSignIn,
  type DemoDeps,
  pendingOf,
  signedInUser,
} from './flow';
import { verifyPending } from './challenges.routes';

const email = z
  .string({ error: 'is required' })
  .trim()
  .toLowerCase()
  .pipe(z.email({ error: 'must be an email address' }).max(254, 'must be at most 254 characters'));

const signUpBody = z.object({
  email,
  password: z
    .string({ error: 'is required' })
    .min(8, 'must be at least 8 characters')
    .max(1024, 'must be at most 1024 characters'),
});

const signInBody = z.object({
  email,
  password: z
    .string({ error: 'is required' })
    .min(1, 'is required')
    .max(1024, 'must be at most 1024 characters'),
});

const passkeyAnswerBody = z.object({
  challengeId: z.uuid({ error: 'must be a UUID' }),
  webauthnResponseJson: z.string().min(1).max(16_384),
  remember: z.boolean().default(false),
});

/** Sign-up, sign-in with a password, passwordless sign-in with a passkey, who am I, sign-out. */
export function registerSignInRoutes(app: FastifyInstance, deps: DemoDeps): void {
  const { portcullis, sessions } = deps;

  /** The shop's own account, mirrored in Portcullis: the external id is the email. */
  app.post('/api/signup', async (request, reply) => {
    const body = parseBody(signUpBody, request.body);
    const { user } = await portcullis.createUser({ externalId: body.email, email: body.email });
    // Portcullis keeps the password (argon2id) and checks it at sign-in.
    await portcullis.setPassword({ userId: user.id, password: body.password });
    return reply.status(201).send({ user: { id: user.id, email: user.email } });
  });

  /** Password first; Portcullis scores the risk and answers allow, challenge or deny. */
  app.post('/api/login', async (request, reply) => {
    const body = parseBody(signInBody, request.body);
    const started = await portcullis.startAuthentication({
      email: body.email,
      password: body.password,
      context: clientContext(deps, request, reply),
    });
    const auth = started.authentication;
    if (auth.status === 'SUCCEEDED') {
      return completeSignIn(deps, request, reply, {}, started, { email: body.email });
    }
    // A new sign-in replaces whatever this browser had: nobody is signed in until it succeeds.
    sessions.write(
      request,
      reply,
      auth.status === 'CHALLENGE_REQUIRED'
        ? { email: body.email, pending: { kind: 'sign_in', id: auth.id } }
        : {},
    );
    return authenticationView(auth);
  });

  /** A discoverable passkey, no user name: the page gets WebAuthn request options at once. */
  app.post('/api/passwordless/start', async (request, reply) => {
    const started = await portcullis.startPasswordless({ context: clientContext(deps, request, reply) });
    sessions.write(request, reply, { pending: { kind: 'passwordless', id: started.authentication.id } });
    return {
      ...authenticationView(started.authentication),
      challengeId: started.challengeId,
      requestOptionsJson: started.requestOptionsJson,
    };
  });

  app.post('/api/passwordless/verify', async (request, reply) => {
    const body = parseBody(passkeyAnswerBody, request.body);
    const session = sessions.read(request);
    const pending = pendingOf(session, 'passwordless');
    return verifyPending(deps, request, reply, session, pending, body);
  });

  app.get('/api/me', async (request, reply) => {
    const session = sessions.read(request);
    void reply.header('cache-control', 'no-store');
    if (!session.userId) return { user: null };
    const { userId, email: address } = signedInUser(session);
    const { factors } = await portcullis.listFactors({ userId });
    return {
      user: { id: userId, email: address },
      factors: factors
        .filter((f) => f.status === 'ACTIVE')
        .map((f) => ({
          id: f.id,
          type: f.type,
          name: f.name,
          ...(f.type === 'recovery_codes' ? { recoveryCodesRemaining: f.recoveryCodesRemaining } : {}),
        })),
    };
  });

  app.post('/api/logout', async (request, reply) => {
    sessions.clear(request, reply);
    return { signedOut: true };
  });
}
