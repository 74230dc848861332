import type { Challenge } from '../domain/challenge';
import type { Factor } from '../domain/factor';
import { defaultFactorPolicy } from '../domain/factor-policy';
import {
  type AttemptLimiter,
  ChallengeMetrics,
  type ChallengeOutcome,
  type FactorsTransaction,
} from '../domain/ports';
import type { FactorStrategies } from '../strategies/factor-strategies';
import type { FactorStrategy } from '../strategies/factor-strategy';
import { ChallengeVerifier } from './challenge-verifier';
import type { FactorPolicies } from './factor-policies';

const NOW = new Date('2026-03-01T10:00:00Z');

class RecordedMetrics extends ChallengeMetrics {
  readonly outcomes: ChallengeOutcome[] = [];
  outcome(outcome: ChallengeOutcome): void {
    this.outcomes.push(outcome);
  }
}

const factor = (over: Partial<Factor> = {}): Factor => ({
  id: 'f-1',
  tenantId: 't-1',
  userId: 'u-1',
  type: 'sms_otp',
  name: 'Phone',
  status: 'ACTIVE',
  destinationHint: '+44******56',
  preferred: true,
  createdAt: NOW,
  activatedAt: NOW,
  lastUsedAt: undefined,
  removedAt: undefined,
  failedAttempts: 0,
  lockedUntil: undefined,
  totp: undefined,
  webauthn: undefined,
  recoveryCodesRemaining: 0,
  ...over,
});

const challenge = (over: Partial<Challenge> = {}): Challenge => ({
  id: 'c-1',
  tenantId: 't-1',
  userId: 'u-1',
  factorId: 'f-1',
  factorType: 'sms_otp',
  purpose: 'AUTHENTICATION',
  authenticationId: 'a-1',
  status: 'PENDING',
  codeHash: 'hash',
  webauthnChallenge: undefined,
  createdAt: new Date(NOW.getTime() - 30_000),
  expiresAt: new Date(NOW.getTime() + 270_000),
  verifiedAt: undefined,
  strength: undefined,
  proofUsedAt: undefined,
  ...over,
});

/** The verifier with every port faked: the code "123456" is right, anything else wrong. */
function verifierWith(stored: Challenge, metrics: ChallengeMetrics, commitFails = false) {
  const events: string[] = [];
  const tx = {
    challenges: {
      findById: () => Promise.resolve(stored),
      markVerified: () => Promise.resolve(true),
    },
    factors: {
      findInTenant: () =>
        Promise.resolve(factor({ status: stored.purpose === 'ENROLLMENT' ? 'PENDING' : 'ACTIVE' })),
    },
    events: {
      record: (event: { type: string }) => {
        events.push(event.type);
        return Promise.resolve();
      },
    },
  } as unknown as FactorsTransaction;
  const uow = {
    read: <T>(work: (t: FactorsTransaction) => Promise<T>) => work(tx),
    run: async <T>(work: (t: FactorsTransaction) => Promise<T>) => {
      const result = await work(tx);
      if (commitFails) throw new Error('connection terminated');
      return result;
    },
  };
  const limiter = {
    reserve: () => Promise.resolve(1),
    fail: () => Promise.resolve(undefined),
    lockedUntil: () => Promise.resolve(undefined),
  } as unknown as AttemptLimiter;
  const strategy = {
    type: 'sms_otp',
    strength: 1,
    amr: ['sms'],
    proofKind: 'code',
    verify: ({ proof }: { proof: { code: string } }) =>
      Promise.resolve(proof.code === '123456' ? { ok: true } : { ok: false, reason: 'CODE_INVALID' }),
  } as unknown as FactorStrategy;
  const strategies = { of: () => strategy } as unknown as FactorStrategies;
  const policy = defaultFactorPolicy({ rpId: 'localhost', rpName: 'x', origins: [], issuer: 'x' });
  const policies = { of: () => Promise.resolve(policy) } as unknown as FactorPolicies;
  const verifier = new ChallengeVerifier(uow, limiter, strategies, policies, { now: () => NOW }, metrics);
  return { verifier, events };
}

const request = (code: string, purpose: Challenge['purpose'] = 'AUTHENTICATION') => ({
  tenantId: 't-1',
  challengeId: 'c-1',
  authenticationId: 'a-1',
  purpose,
  proof: { code },
});

describe('ChallengeVerifier metrics', () => {
  it('counts a success and a failure by factor type, purpose and reason, and nothing else', async () => {
    const metrics = new RecordedMetrics();
    const { verifier } = verifierWith(challenge(), metrics);
    await expect(verifier.verify(request('000000'), () => Promise.resolve())).rejects.toMatchObject({
      code: 'CODE_INVALID',
    });
    await verifier.verify(request('123456'), () => Promise.resolve());
    expect(metrics.outcomes).toEqual([
      { factorType: 'sms_otp', purpose: 'AUTHENTICATION', outcome: 'failure', reason: 'CODE_INVALID' },
      { factorType: 'sms_otp', purpose: 'AUTHENTICATION', outcome: 'success' },
    ]);
    // Only closed sets: no tenant, user, factor or challenge id reaches the port.
    expect(JSON.stringify(metrics.outcomes)).not.toMatch(/t-1|u-1|f-1|c-1|a-1/);
  });

  it('counts enrolments under their own purpose, and an expired code as a failure', async () => {
    const metrics = new RecordedMetrics();
    const enrolment = verifierWith(challenge({ purpose: 'ENROLLMENT' }), metrics);
    await enrolment.verifier.verify(request('123456', 'ENROLLMENT'), () => Promise.resolve());
    const expired = verifierWith(challenge({ expiresAt: new Date(NOW.getTime() - 1) }), metrics);
    await expect(expired.verifier.verify(request('123456'), () => Promise.resolve())).rejects.toMatchObject({
      code: 'CODE_EXPIRED',
    });
    expect(metrics.outcomes).toEqual([
      { factorType: 'sms_otp', purpose: 'ENROLLMENT', outcome: 'success' },
      { factorType: 'sms_otp', purpose: 'AUTHENTICATION', outcome: 'failure', reason: 'CODE_EXPIRED' },
    ]);
  });

  it('counts no success whose transaction did not commit', async () => {
    const metrics = new RecordedMetrics();
    const { verifier } = verifierWith(challenge(), metrics, true);
    await expect(verifier.verify(request('123456'), () => Promise.resolve())).rejects.toThrow(
      'connection terminated',
    );
    expect(metrics.outcomes).toEqual([]);
  });
});
