import type { Assessment, AttemptContext } from '../../domain/assessment';
import { RiskMetrics, type RiskReadModel, type RiskTransaction } from '../../domain/ports';
import { DEFAULT_RISK_POLICY, type Decision } from '../../domain/risk-policy';
import type { RiskSettings } from '../../domain/risk-settings';
import type { RiskLevel } from '../../domain/assessment';
import type { GeoLocator } from '../../geo/geo-locator';
import type { RiskScorer } from '../../scoring/risk-scorer';
import { ScoreAttemptUseCase } from './score-attempt.use-case';

class RecordedMetrics extends RiskMetrics {
  readonly decisions: [RiskLevel, Decision][] = [];
  decision(level: RiskLevel, decision: Decision): void {
    this.decisions.push([level, decision]);
  }
}

const attempt = (over: Partial<AttemptContext> = {}): AttemptContext => ({
  tenantId: 't-1',
  attemptId: 'at-1',
  userId: 'u-1',
  clientIp: '198.51.100.7',
  userAgent: 'unit',
  deviceRemembered: false,
  action: { kind: 'sign_in' },
  passwordCheck: 'passed',
  ...over,
});

/** Scoring with a scorer that answers `assessment` and a store that says whether it changed. */
function useCaseWith(assessment: Assessment, changed: () => boolean, commitFails = false) {
  const tx = {
    failures: {
      record: () => Promise.resolve(true),
      count: () => Promise.resolve({}),
    },
    counters: { increment: () => Promise.resolve(1) },
    assessments: { record: () => Promise.resolve(changed()) },
    events: { record: () => Promise.resolve() },
  } as unknown as RiskTransaction;
  const uow = {
    run: async <T>(work: (t: RiskTransaction) => Promise<T>) => {
      const result = await work(tx);
      if (commitFails) throw new Error('connection terminated');
      return result;
    },
  };
  const reads = {
    policy: () => Promise.resolve(DEFAULT_RISK_POLICY),
    profile: () => Promise.resolve(undefined),
  } as unknown as RiskReadModel;
  const metrics = new RecordedMetrics();
  const useCase = new ScoreAttemptUseCase(
    uow,
    reads,
    { lookup: () => undefined } as unknown as GeoLocator,
    { assess: () => assessment } as unknown as RiskScorer,
    { velocity: {}, alerts: {} } as unknown as RiskSettings,
    { now: () => new Date('2026-03-01T10:00:00Z') },
    metrics,
  );
  return { useCase, metrics };
}

const challengeHigh: Assessment = { score: 60, level: 'high', decision: 'challenge', reasons: [] };

describe('ScoreAttemptUseCase metrics', () => {
  it('counts a decision by level once it is recorded, not a re-score that changed nothing', async () => {
    let fresh = true;
    const { useCase, metrics } = useCaseWith(challengeHigh, () => {
      const was = fresh;
      fresh = false;
      return was;
    });
    await useCase.execute(attempt());
    await useCase.execute(attempt()); // the same attempt again, the same assessment
    expect(metrics.decisions).toEqual([['high', 'challenge']]);
  });

  it('counts nothing when the transaction did not commit', async () => {
    const { useCase, metrics } = useCaseWith(challengeHigh, () => true, true);
    await expect(useCase.execute(attempt())).rejects.toThrow('connection terminated');
    expect(metrics.decisions).toEqual([]);
  });
});
