import { type auditV1, toTimestamp } from '@portcullis/contracts';
import type { ChallengeKpis, MfaKpiReport } from '../domain/kpis/kpi-report';
import type { KpiSettings } from '../domain/kpis/kpi-settings';

const int64 = (n: number) => String(Math.trunc(n));

function toChallengeStats(c: ChallengeKpis): auditV1.ChallengeStats {
  return {
    factorType: c.factorType,
    started: int64(c.started),
    verified: int64(c.verified),
    failed: int64(c.failed),
    abandoned: int64(c.abandoned),
    successRate: c.successRate,
    abandonmentRate: c.abandonmentRate,
    medianTimeToVerifyMs: int64(c.medianTimeToVerifyMs),
    p90TimeToVerifyMs: int64(c.p90TimeToVerifyMs),
    meanTimeToVerifyMs: int64(c.meanTimeToVerifyMs),
  };
}

export function toMfaKpisMessage(k: MfaKpiReport): auditV1.MfaKpis {
  return {
    tenantId: k.tenantId,
    fromTime: toTimestamp(k.from),
    toTime: toTimestamp(k.to),
    adoption: {
      activeUsers: int64(k.adoption.activeUsers),
      usersWithFactor: int64(k.adoption.usersWithFactor),
      rate: k.adoption.rate,
    },
    factorMix: k.factorMix.map((f) => ({ factorType: f.factorType, active: int64(f.active) })),
    enrolmentFunnel: k.enrolmentFunnel.map((f) => ({
      factorType: f.factorType,
      started: int64(f.started),
      completed: int64(f.completed),
      dropped: int64(f.dropped),
      completionRate: f.completionRate,
    })),
    challenges: toChallengeStats(k.challenges),
    challengesByFactor: k.challengesByFactor.map(toChallengeStats),
    delivery: k.delivery.map((d) => ({
      channel: d.channel,
      sent: int64(d.sent),
      delivered: int64(d.delivered),
      failed: int64(d.failed),
      refused: int64(d.refused),
      successRate: d.successRate,
      spend: d.spend,
      spendCurrency: d.spendCurrency,
    })),
    riskDecisions: k.riskDecisions.map((r) => ({
      level: r.level,
      decision: r.decision,
      count: int64(r.count),
    })),
    riskReasons: k.riskReasons.map((r) => ({ reasonCode: r.reasonCode, count: int64(r.count) })),
    userLockouts: int64(k.userLockouts),
    factorLockouts: int64(k.factorLockouts),
    alerts: int64(k.alerts),
    roi: {
      currency: k.roi.currency,
      messagingSpend: k.roi.messagingSpend,
      preventedTakeovers: int64(k.roi.preventedTakeovers),
      lossValuePerTakeover: k.roi.lossValuePerTakeover,
      estimatedLossPrevented: k.roi.estimatedLossPrevented,
      roi: k.roi.roi,
    },
    daily: k.daily.map((d) => ({
      date: d.date,
      signInsSucceeded: int64(d.signInsSucceeded),
      signInsFailed: int64(d.signInsFailed),
      challengesStarted: int64(d.challengesStarted),
      challengesVerified: int64(d.challengesVerified),
      lockouts: int64(d.lockouts),
      alerts: int64(d.alerts),
      usersWithFactor: int64(d.usersWithFactor),
      activeUsers: int64(d.activeUsers),
      spend: d.spend,
    })),
  };
}

export const toKpiSettingsMessage = (s: KpiSettings): auditV1.KpiSettings => ({
  lossValuePerTakeover: s.lossValuePerTakeover,
  currency: s.currency,
});
