/**
 * The counters kept per tenant and UTC day (table kpi_daily_counts), each with up to two
 * dimensions. Those marked "delta" are changes of a level (users, factors): the level at the end
 * of a day is the sum of every delta up to and including that day.
 */
export const KPI_METRICS = {
  /** delta: users created minus users disabled. */
  activeUsers: 'users.active',
  /** delta: active users with at least one active factor other than recovery codes. */
  usersWithFactor: 'users.with_factor',
  /** delta, dim1 factor type: factors enrolled minus factors removed. */
  activeFactors: 'factors.active',
  /** dim1 factor type. */
  enrolmentStarted: 'enrolment.started',
  enrolmentCompleted: 'enrolment.completed',
  /** Authentication challenges, dim1 factor type. */
  challengeStarted: 'challenge.started',
  challengeVerified: 'challenge.verified',
  challengeFailed: 'challenge.failed',
  /** Sum of ChallengeVerified.durationMs. */
  challengeVerifyMs: 'challenge.verify_ms',
  /** dim1 channel. */
  deliverySent: 'delivery.sent',
  deliveryDelivered: 'delivery.delivered',
  deliveryFailed: 'delivery.failed',
  deliveryRefused: 'delivery.refused',
  /** dim1 level, dim2 decision. */
  riskDecision: 'risk.decision',
  /** dim1 reason code. */
  riskReason: 'risk.reason',
  /** Sign-ins the risk engine denied. */
  riskDeniedSignIn: 'risk.denied_sign_in',
  userLockout: 'lockout.user',
  factorLockout: 'lockout.factor',
  /** dim1 risk or delivery. */
  alert: 'alert',
  signInSucceeded: 'sign_in.succeeded',
  signInFailed: 'sign_in.failed',
} as const;

export type KpiMetric = (typeof KPI_METRICS)[keyof typeof KPI_METRICS];

/** Metrics whose level at a day is the sum of every earlier delta. */
export const LEVEL_METRICS: readonly KpiMetric[] = [
  KPI_METRICS.activeUsers,
  KPI_METRICS.usersWithFactor,
  KPI_METRICS.activeFactors,
];

/** Metrics the daily series needs, summed over their dimensions. */
export const DAILY_METRICS: readonly KpiMetric[] = [
  KPI_METRICS.activeUsers,
  KPI_METRICS.usersWithFactor,
  KPI_METRICS.signInSucceeded,
  KPI_METRICS.signInFailed,
  KPI_METRICS.challengeStarted,
  KPI_METRICS.challengeVerified,
  KPI_METRICS.userLockout,
  KPI_METRICS.factorLockout,
  KPI_METRICS.alert,
];

/** Factor types in the order the KPIs list them; unknown types follow, alphabetically. */
export const FACTOR_TYPE_ORDER = ['totp', 'webauthn', 'sms_otp', 'voice_otp', 'email_otp', 'recovery_codes'];

/** Recovery codes are a fallback, not a second factor: they do not count towards adoption. */
export const RECOVERY_CODES = 'recovery_codes';

/** Factor types that become active without an enrolment step (no factors.enrollment.started). */
export const IMMEDIATE_FACTOR_TYPES: ReadonlySet<string> = new Set([RECOVERY_CODES]);

export function compareFactorTypes(a: string, b: string): number {
  const rank = (t: string) => {
    const i = FACTOR_TYPE_ORDER.indexOf(t);
    return i < 0 ? FACTOR_TYPE_ORDER.length : i;
  };
  return rank(a) - rank(b) || a.localeCompare(b);
}

/** One change of one counter. */
export interface CounterDelta {
  readonly tenantId: string;
  /** UTC day, YYYY-MM-DD. */
  readonly day: string;
  readonly metric: KpiMetric;
  readonly dim1: string;
  readonly dim2: string;
  readonly value: number;
}

const DAY_MS = 24 * 60 * 60 * 1000;
const dayNames = new Map<number, string>();

/** The UTC day of an instant, YYYY-MM-DD (names cached: a batch spans few days). */
export function utcDay(at: Date): string {
  const day = Math.floor(at.getTime() / DAY_MS);
  let name = dayNames.get(day);
  if (name === undefined) {
    name = new Date(day * DAY_MS).toISOString().slice(0, 10);
    if (dayNames.size > 10_000) dayNames.clear();
    dayNames.set(day, name);
  }
  return name;
}

/** Sums of deltas by key; one database row per key, whatever the batch size. */
export class CounterSet {
  private readonly sums = new Map<string, CounterDelta>();

  add(tenantId: string, day: string, metric: KpiMetric, dim1 = '', dim2 = '', value = 1): void {
    if (value === 0) return;
    const key = [tenantId, day, metric, dim1, dim2].join('\u0000');
    const sum = this.sums.get(key);
    this.sums.set(key, { tenantId, day, metric, dim1, dim2, value: (sum?.value ?? 0) + value });
  }

  addDelta(d: CounterDelta): void {
    this.add(d.tenantId, d.day, d.metric, d.dim1, d.dim2, d.value);
  }

  /** Non-zero sums, in key order (so concurrent upserts take row locks in one order). */
  entries(): CounterDelta[] {
    return [...this.sums.entries()]
      .filter(([, d]) => d.value !== 0)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([, d]) => d);
  }
}
