import { paymentAction } from '@portcullis/sdk';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { parseBody } from '../http/errors';
import { authenticationView, clientContext, completePayment, type DemoDeps, signedInUser } from './flow';

const paymentBody = z.object({
  amount: z
    .string({ error: 'is required' })
    .trim()
    .regex(/^\d{1,9}(\.\d{1,2})?$/, 'must be an amount such as 250 or 250.00'),
  currency: z
    .string()
    .trim()
    .regex(/^[A-Za-z]{3}$/, 'must be an ISO 4217 code such as EUR')
    .transform((c) => c.toUpperCase())
    .default('EUR'),
  payee: z
    .string({ error: 'is required' })
    .trim()
    .min(1, 'is required')
    .max(200, 'must be at most 200 characters'),
});

/** "250" → "250.00": amounts travel as decimal strings, never floats. */
function twoDecimals(amount: string): string {
  const [units = '0', cents = ''] = amount.split('.');
  return `${units.replace(/^0+(?=\d)/, '')}.${cents.padEnd(2, '0')}`;
}

/**
 * A payment: a step-up bound to its amount and payee (PSD2 dynamic linking). Portcullis'
 * policy decides whether the customer must approve it with a second factor; the shop executes
 * it only with an assertion that approves exactly these details.
 */
export function registerPaymentRoutes(app: FastifyInstance, deps: DemoDeps): void {
  const { portcullis, sessions } = deps;

  app.post('/api/pay', async (request, reply) => {
    const body = parseBody(paymentBody, request.body);
    const session = sessions.read(request);
    const { userId } = signedInUser(session);
    const payment = { amount: twoDecimals(body.amount), currency: body.currency, payee: body.payee };
    const started = await portcullis.startStepUp({
      userId,
      action: paymentAction(payment),
      context: clientContext(deps, request, reply),
    });
    const auth = started.authentication;
    if (auth.status === 'SUCCEEDED') return completePayment(deps, request, reply, session, started, payment);
    sessions.write(
      request,
      reply,
      auth.status === 'CHALLENGE_REQUIRED'
        ? { ...session, pending: { kind: 'step_up', id: auth.id, action: payment } }
        : { ...session, pending: undefined },
    );
    return { ...authenticationView(auth), payment };
  });
}
