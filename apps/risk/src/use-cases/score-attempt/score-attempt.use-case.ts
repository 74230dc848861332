import { Injectable } from '@nestjs/common';
import { failureWaves, raiseAlerts } from '../../domain/alerts';
import type { Assessment, AttemptContext } from '../../domain/assessment';
import { Clock, type NewFailure, RiskMetrics, RiskReadModel, RiskUnitOfWork } from '../../domain/ports';
import type { RiskPolicy } from '../../domain/risk-policy';
import { RiskSettings } from '../../domain/risk-settings';
import { canonicalIp, subnetOf } from '../../domain/velocity';
import { GeoLocator, type GeoInfo } from '../../geo/geo-locator';
import { type CompiledPolicy, compilePolicy, RiskScorer } from '../../scoring/risk-scorer';

export interface ScoredAttempt {
  readonly assessment: Assessment;
  readonly geo: GeoInfo | undefined;
}

/**
 * Scores one attempt. A failed password is recorded first (once per attempt), so the velocity
 * windows include it; the assessment is recorded and published once per attempt (again only
 * when a re-score changes it), and any wave the failure completes raises its alert, all in one
 * transaction.
 */
@Injectable()
export class ScoreAttemptUseCase {
  private readonly compiled = new WeakMap<RiskPolicy, CompiledPolicy>();

  constructor(
    private readonly uow: RiskUnitOfWork,
    private readonly reads: RiskReadModel,
    private readonly geo: GeoLocator,
    private readonly scorer: RiskScorer,
    private readonly settings: RiskSettings,
    private readonly clock: Clock,
    private readonly metrics: RiskMetrics,
  ) {}

  async execute(input: AttemptContext): Promise<ScoredAttempt> {
    const now = this.clock.now();
    const ip = canonicalIp(input.clientIp);
    const subnet = subnetOf(ip);
    const context: AttemptContext = { ...input, clientIp: ip };
    const [policy, profile] = await Promise.all([
      this.reads.policy(context.tenantId),
      context.userId ? this.reads.profile(context.tenantId, context.userId) : undefined,
    ]);
    const geo = this.geo.lookup(ip);
    const thresholds = this.settings.velocity;

    const { assessment, recorded } = await this.uow.run(async (tx) => {
      let failure: NewFailure | undefined;
      if (context.passwordCheck === 'failed') {
        failure = {
          tenantId: context.tenantId,
          attemptId: context.attemptId,
          kind: context.userId ? 'password' : 'unknown_user',
          userId: context.userId,
          ip,
          subnet,
          at: now,
        };
        if (await tx.failures.record(failure)) {
          await tx.counters.increment(context.tenantId, 'failures', now, thresholds.tenantWindowSeconds);
        } else failure = undefined;
      }
      const velocity = await tx.failures.count(
        context.tenantId,
        { ip, subnet, userId: context.userId },
        now,
        thresholds,
      );
      const result = this.scorer.assess(
        { context, now, geo, profile, velocity, thresholds },
        this.compile(policy),
      );
      if (failure) {
        await raiseAlerts(
          tx,
          context.tenantId,
          failureWaves(failure, velocity, thresholds),
          now,
          this.settings.alerts,
        );
      }
      const changed = await tx.assessments.record({
        tenantId: context.tenantId,
        attemptId: context.attemptId,
        userId: context.userId,
        score: result.score,
        decision: result.decision,
        at: now,
      });
      if (changed) {
        await tx.events.record({
          type: 'risk.attempt.scored',
          tenantId: context.tenantId,
          userId: context.userId,
          occurredAt: now,
          payload: {
            tenantId: context.tenantId,
            userId: context.userId ?? '',
            attemptId: context.attemptId,
            score: result.score,
            level: result.level,
            decision: result.decision,
            reasonCodes: result.reasons.map((r) => r.code),
            actionKind: context.action.kind,
            actionType: context.action.kind === 'step_up' ? context.action.type : '',
            clientIp: ip,
            country: geo?.country ?? '',
            asn: geo?.asn ?? 0,
          },
        });
      }
      return { assessment: result, recorded: changed };
    });
    // Counted with risk.attempt.scored, once committed: a re-score that changed nothing is no new decision.
    if (recorded) this.metrics.decision(assessment.level, assessment.decision);
    return { assessment, geo };
  }

  private compile(policy: RiskPolicy): CompiledPolicy {
    let compiled = this.compiled.get(policy);
    if (!compiled) {
      compiled = compilePolicy(policy);
      this.compiled.set(policy, compiled);
    }
    return compiled;
  }
}
