import { riskV1, toTimestamp } from '@portcullis/contracts';
import { effectiveSignals, type RiskPolicy } from '../domain/risk-policy';
import type { RiskStatus } from '../use-cases/get-risk-status/get-risk-status.use-case';
import type { ScoredAttempt } from '../use-cases/score-attempt/score-attempt.use-case';

export function toScoreResponse({ assessment, geo }: ScoredAttempt): riskV1.ScoreAttemptResponse {
  return {
    score: assessment.score,
    level: assessment.level,
    decision: assessment.decision,
    reasons: assessment.reasons.map((r) => ({ code: r.code, weight: r.weight, detail: r.detail })),
    country: geo?.country ?? '',
    asn: geo?.asn ?? 0,
  };
}

export function toPolicyMessage(p: RiskPolicy): riskV1.RiskPolicy {
  return {
    mfaMode: p.mfaMode,
    challengeThreshold: p.challengeThreshold,
    denyThreshold: p.denyThreshold,
    stepUpRules: p.stepUpRules.map((r) => ({
      actionType: r.actionType,
      minAmount: r.minAmount ?? '',
      currency: r.currency ?? '',
      decision: r.decision,
    })),
    signals: p.signals.map((s) => ({ ...s })),
    failMode: p.failMode,
  };
}

export function toPolicyResponse(p: RiskPolicy): riskV1.GetRiskPolicyResponse {
  return { policy: toPolicyMessage(p), effectiveSignals: effectiveSignals(p) };
}

export function toStatusResponse(s: RiskStatus): riskV1.GetRiskStatusResponse {
  const db = (d: RiskStatus['geo']['city']) =>
    d ? { path: d.path, databaseType: d.databaseType, buildTime: toTimestamp(d.buildTime) } : undefined;
  return {
    feeds: s.feeds.map((f) => ({
      name: f.name,
      category: f.category,
      source: f.source,
      ranges: f.ranges,
      loadTime: f.loadedAt ? toTimestamp(f.loadedAt) : undefined,
      lastAttemptTime: f.lastAttemptAt ? toTimestamp(f.lastAttemptAt) : undefined,
      lastError: f.lastError ?? '',
      stale: f.stale,
    })),
    cityDatabase: db(s.geo.city),
    asnDatabase: db(s.geo.asn),
  };
}
