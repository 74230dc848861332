import {
  addDecimals,
  type Decimal,
  decimalToNumber,
  formatDecimal,
  isZero,
  multiplyDecimal,
  parseDecimal,
  subtractDecimals,
  ZERO,
} from './decimal';
import {
  compareFactorTypes,
  IMMEDIATE_FACTOR_TYPES,
  KPI_METRICS,
  type KpiMetric,
  LEVEL_METRICS,
} from './kpi-metrics';
import type { KpiPeriod } from './kpi-period';
import type { KpiSettings } from './kpi-settings';
import { percentileOf } from './verify-histogram';

/** A counter summed over the period (or, for level metrics, over every day before it). */
export interface MetricSum {
  readonly metric: string;
  readonly dim1: string;
  readonly dim2: string;
  readonly value: number;
}

export interface DailyMetricSum {
  readonly day: string;
  readonly metric: string;
  readonly value: number;
}

/** What the read model fetches for one tenant and period: sums of aggregates, never events. */
export interface KpiAggregates {
  readonly totals: readonly MetricSum[];
  /** Level metrics (LEVEL_METRICS) summed over every day before the period. */
  readonly baseline: readonly MetricSum[];
  /** DAILY_METRICS per day of the period, summed over their dimensions. */
  readonly daily: readonly DailyMetricSum[];
  readonly spend: readonly { channel: string; currency: string; amount: string }[];
  readonly dailySpend: readonly { day: string; currency: string; amount: string }[];
  readonly histogram: readonly { factorType: string; bucket: number; count: number }[];
  /** Challenges started in the period, never verified, and expired by now. */
  readonly abandoned: readonly { factorType: string; count: number }[];
}

export interface ChallengeKpis {
  /** Empty for the total. */
  readonly factorType: string;
  readonly started: number;
  readonly verified: number;
  readonly failed: number;
  readonly abandoned: number;
  readonly successRate: number;
  readonly abandonmentRate: number;
  readonly medianTimeToVerifyMs: number;
  readonly p90TimeToVerifyMs: number;
  readonly meanTimeToVerifyMs: number;
}

export interface DeliveryKpis {
  readonly channel: string;
  readonly sent: number;
  readonly delivered: number;
  readonly failed: number;
  readonly refused: number;
  readonly successRate: number;
  readonly spend: string;
  readonly spendCurrency: string;
}

export interface DailyKpiEntry {
  readonly date: string;
  readonly signInsSucceeded: number;
  readonly signInsFailed: number;
  readonly challengesStarted: number;
  readonly challengesVerified: number;
  readonly lockouts: number;
  readonly alerts: number;
  readonly usersWithFactor: number;
  readonly activeUsers: number;
  /** In the settings' currency. */
  readonly spend: string;
}

export interface MfaKpiReport {
  readonly tenantId: string;
  readonly from: Date;
  readonly to: Date;
  readonly adoption: {
    readonly activeUsers: number;
    readonly usersWithFactor: number;
    readonly rate: number;
  };
  readonly factorMix: readonly { readonly factorType: string; readonly active: number }[];
  readonly enrolmentFunnel: readonly {
    readonly factorType: string;
    readonly started: number;
    readonly completed: number;
    readonly dropped: number;
    readonly completionRate: number;
  }[];
  readonly challenges: ChallengeKpis;
  readonly challengesByFactor: readonly ChallengeKpis[];
  readonly delivery: readonly DeliveryKpis[];
  readonly riskDecisions: readonly {
    readonly level: string;
    readonly decision: string;
    readonly count: number;
  }[];
  readonly riskReasons: readonly { readonly reasonCode: string; readonly count: number }[];
  readonly userLockouts: number;
  readonly factorLockouts: number;
  readonly alerts: number;
  readonly roi: {
    readonly currency: string;
    readonly messagingSpend: string;
    readonly preventedTakeovers: number;
    readonly lossValuePerTakeover: string;
    readonly estimatedLossPrevented: string;
    readonly roi: number;
  };
  readonly daily: readonly DailyKpiEntry[];
}

/** a / b, 0 when b is 0. */
export const ratio = (a: number, b: number) => (b === 0 ? 0 : a / b);

const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const decimal = (text: string) => parseDecimal(text) ?? ZERO;

function challengeKpis(
  factorType: string,
  counts: (metric: KpiMetric) => number,
  abandoned: number,
  histogram: ReadonlyMap<number, number>,
): ChallengeKpis {
  const started = counts(KPI_METRICS.challengeStarted);
  const verified = counts(KPI_METRICS.challengeVerified);
  const failed = counts(KPI_METRICS.challengeFailed);
  return {
    factorType,
    started,
    verified,
    failed,
    abandoned,
    successRate: ratio(verified, verified + failed),
    abandonmentRate: ratio(abandoned, started),
    medianTimeToVerifyMs: percentileOf(histogram, 0.5),
    p90TimeToVerifyMs: percentileOf(histogram, 0.9),
    meanTimeToVerifyMs: Math.round(ratio(counts(KPI_METRICS.challengeVerifyMs), verified)),
  };
}

/** The MFA KPIs of a period from its aggregates (definitions: apps/audit/README.md, "KPIs"). */
export function buildMfaKpis(input: {
  readonly tenantId: string;
  readonly period: KpiPeriod;
  readonly settings: KpiSettings;
  readonly aggregates: KpiAggregates;
}): MfaKpiReport {
  const { aggregates: agg, settings } = input;
  const sum = (rows: readonly MetricSum[], metric: string, dim1?: string, dim2?: string) =>
    rows
      .filter(
        (r) =>
          r.metric === metric &&
          (dim1 === undefined || r.dim1 === dim1) &&
          (dim2 === undefined || r.dim2 === dim2),
      )
      .reduce((n, r) => n + r.value, 0);
  const total = (metric: string, dim1?: string, dim2?: string) => sum(agg.totals, metric, dim1, dim2);
  /** A level at the end of the period: every delta before it and in it. */
  const level = (metric: string, dim1?: string) => sum(agg.baseline, metric, dim1) + total(metric, dim1);
  const dims = (metrics: readonly string[]) =>
    [
      ...new Set(
        [...agg.totals, ...agg.baseline].filter((r) => metrics.includes(r.metric)).map((r) => r.dim1),
      ),
    ].sort(compareFactorTypes);

  const activeUsers = level(KPI_METRICS.activeUsers);
  const usersWithFactor = level(KPI_METRICS.usersWithFactor);

  const factorMix = dims([KPI_METRICS.activeFactors])
    .map((factorType) => ({ factorType, active: level(KPI_METRICS.activeFactors, factorType) }))
    .filter((f) => f.active !== 0);

  const enrolmentFunnel = dims([KPI_METRICS.enrolmentStarted, KPI_METRICS.enrolmentCompleted])
    .map((factorType) => {
      const completed = total(KPI_METRICS.enrolmentCompleted, factorType);
      // Recovery codes are active at once: each set is its own start.
      const started = IMMEDIATE_FACTOR_TYPES.has(factorType)
        ? completed
        : total(KPI_METRICS.enrolmentStarted, factorType);
      return {
        factorType,
        started,
        completed,
        dropped: Math.max(0, started - completed),
        completionRate: ratio(completed, started),
      };
    })
    .filter((f) => f.started !== 0 || f.completed !== 0);

  const histograms = new Map<string, Map<number, number>>();
  const allHistogram = new Map<number, number>();
  for (const h of agg.histogram) {
    const one = histograms.get(h.factorType) ?? new Map<number, number>();
    one.set(h.bucket, (one.get(h.bucket) ?? 0) + h.count);
    histograms.set(h.factorType, one);
    allHistogram.set(h.bucket, (allHistogram.get(h.bucket) ?? 0) + h.count);
  }
  const abandonedOf = (factorType?: string) =>
    agg.abandoned
      .filter((a) => factorType === undefined || a.factorType === factorType)
      .reduce((n, a) => n + a.count, 0);
  const challengeMetrics = [
    KPI_METRICS.challengeStarted,
    KPI_METRICS.challengeVerified,
    KPI_METRICS.challengeFailed,
  ] as const;
  const challengeTypes = [
    ...new Set([...dims(challengeMetrics), ...agg.abandoned.map((a) => a.factorType)]),
  ].sort(compareFactorTypes);
  const challenges = challengeKpis('', (m) => total(m), abandonedOf(), allHistogram);
  const challengesByFactor = challengeTypes
    .map((t) => challengeKpis(t, (m) => total(m, t), abandonedOf(t), histograms.get(t) ?? new Map()))
    .filter((c) => c.started + c.verified + c.failed + c.abandoned > 0);

  const deliveryMetrics = [
    KPI_METRICS.deliverySent,
    KPI_METRICS.deliveryDelivered,
    KPI_METRICS.deliveryFailed,
    KPI_METRICS.deliveryRefused,
  ];
  const channels = [...new Set([...dims(deliveryMetrics), ...agg.spend.map((s) => s.channel)])].sort(byText);
  const delivery: DeliveryKpis[] = [];
  for (const channel of channels) {
    const spends = agg.spend
      .filter((s) => s.channel === channel)
      .map((s) => ({ currency: s.currency, amount: decimal(s.amount) }))
      .filter((s) => !isZero(s.amount))
      // The settings' currency first; each other currency on a row of its own with no counts, so
      // that summing a channel's rows still gives its message counts.
      .sort(
        (a, b) =>
          Number(b.currency === settings.currency) - Number(a.currency === settings.currency) ||
          byText(a.currency, b.currency),
      );
    const [first, ...others] = spends;
    const sent = total(KPI_METRICS.deliverySent, channel);
    const delivered = total(KPI_METRICS.deliveryDelivered, channel);
    delivery.push({
      channel,
      sent,
      delivered,
      failed: total(KPI_METRICS.deliveryFailed, channel),
      refused: total(KPI_METRICS.deliveryRefused, channel),
      successRate: ratio(delivered, sent),
      spend: formatDecimal(first?.amount ?? ZERO),
      spendCurrency: first?.currency ?? settings.currency,
    });
    for (const other of others) {
      delivery.push({
        channel,
        sent: 0,
        delivered: 0,
        failed: 0,
        refused: 0,
        successRate: 0,
        spend: formatDecimal(other.amount),
        spendCurrency: other.currency,
      });
    }
  }

  const riskDecisions = agg.totals
    .filter((r) => r.metric === KPI_METRICS.riskDecision && r.value !== 0)
    .map((r) => ({ level: r.dim1, decision: r.dim2, count: r.value }))
    .sort((a, b) => byText(a.level, b.level) || byText(a.decision, b.decision));
  const riskReasons = agg.totals
    .filter((r) => r.metric === KPI_METRICS.riskReason && r.value !== 0)
    .map((r) => ({ reasonCode: r.dim1, count: r.value }))
    .sort((a, b) => b.count - a.count || byText(a.reasonCode, b.reasonCode));

  const userLockouts = total(KPI_METRICS.userLockout);
  const factorLockouts = total(KPI_METRICS.factorLockout);
  const alerts = total(KPI_METRICS.alert);

  const messagingSpend = agg.spend
    .filter((s) => s.currency === settings.currency)
    .reduce<Decimal>((acc, s) => addDecimals(acc, decimal(s.amount)), ZERO);
  const preventedTakeovers = total(KPI_METRICS.riskDeniedSignIn) + factorLockouts;
  const lossValue = decimal(settings.lossValuePerTakeover);
  const lossPrevented = multiplyDecimal(lossValue, preventedTakeovers);
  const roi = isZero(messagingSpend)
    ? 0
    : decimalToNumber(subtractDecimals(lossPrevented, messagingSpend)) / decimalToNumber(messagingSpend);

  const dailyOf = new Map<string, Map<string, number>>();
  for (const d of agg.daily) {
    const day = dailyOf.get(d.day) ?? new Map<string, number>();
    day.set(d.metric, (day.get(d.metric) ?? 0) + d.value);
    dailyOf.set(d.day, day);
  }
  const dailySpendOf = new Map<string, Decimal>();
  for (const s of agg.dailySpend) {
    if (s.currency !== settings.currency) continue;
    dailySpendOf.set(s.day, addDecimals(dailySpendOf.get(s.day) ?? ZERO, decimal(s.amount)));
  }
  const levels = new Map(LEVEL_METRICS.map((m) => [m, sum(agg.baseline, m)]));
  const daily = input.period.days.map((date): DailyKpiEntry => {
    const of = (metric: string) => dailyOf.get(date)?.get(metric) ?? 0;
    for (const m of LEVEL_METRICS) levels.set(m, (levels.get(m) ?? 0) + of(m));
    return {
      date,
      signInsSucceeded: of(KPI_METRICS.signInSucceeded),
      signInsFailed: of(KPI_METRICS.signInFailed),
      challengesStarted: of(KPI_METRICS.challengeStarted),
      challengesVerified: of(KPI_METRICS.challengeVerified),
      lockouts: of(KPI_METRICS.userLockout) + of(KPI_METRICS.factorLockout),
      alerts: of(KPI_METRICS.alert),
      usersWithFactor: levels.get(KPI_METRICS.usersWithFactor) ?? 0,
      activeUsers: levels.get(KPI_METRICS.activeUsers) ?? 0,
      spend: formatDecimal(dailySpendOf.get(date) ?? ZERO),
    };
  });

  return {
    tenantId: input.tenantId,
    from: input.period.from,
    to: input.period.to,
    adoption: { activeUsers, usersWithFactor, rate: ratio(usersWithFactor, activeUsers) },
    factorMix,
    enrolmentFunnel,
    challenges,
    challengesByFactor,
    delivery,
    riskDecisions,
    riskReasons,
    userLockouts,
    factorLockouts,
    alerts,
    roi: {
      currency: settings.currency,
      messagingSpend: formatDecimal(messagingSpend),
      preventedTakeovers,
      lossValuePerTakeover: formatDecimal(lossValue),
      estimatedLossPrevented: formatDecimal(lossPrevented),
      roi,
    },
    daily,
  };
}
