import { type CounterDelta, KPI_METRICS, type KpiMetric, RECOVERY_CODES, utcDay } from './kpi-metrics';

/**
 * Adoption and factor-mix levels come from a little state per user and per factor (tables
 * kpi_users and kpi_factors), not from running counters: identity and factors events reach the
 * audit log on different topics, so a user's factor may be recorded before the user, or a
 * removal before the enrolment. Each subject's contribution to the daily deltas is a pure
 * function of its state; a batch applies its changes and writes the difference between the
 * contributions after and before. Times only ever move to the earliest seen, so the result does
 * not depend on the order the changes arrive in (admin resets aside, see below).
 */
export interface UserState {
  readonly tenantId: string;
  readonly userId: string;
  readonly createdAt: Date | undefined;
  readonly disabledAt: Date | undefined;
}

export interface FactorState {
  readonly tenantId: string;
  readonly factorId: string;
  readonly userId: string;
  readonly factorType: string;
  /** When it became active (factors.<type>.enrolled); undefined while never seen active. */
  readonly enrolledAt: Date | undefined;
  /** Removed, replaced or reset; a pending enrolment's removal never counts (no enrolledAt). */
  readonly removedAt: Date | undefined;
}

export type SubjectChange =
  | {
      readonly kind: 'user-created' | 'user-disabled';
      readonly tenantId: string;
      readonly userId: string;
      readonly at: Date;
    }
  | {
      readonly kind: 'factor-enrolled' | 'factor-removed';
      readonly tenantId: string;
      readonly userId: string;
      readonly factorId: string;
      readonly factorType: string;
      readonly at: Date;
    }
  | {
      /**
       * Every factor of the user active at that time is removed. Order-dependent, but a user's
       * factors events share a Kafka key and so arrive in order; the producer also emits one
       * factors.factor.removed per factor, which this merely repeats.
       */
      readonly kind: 'factors-reset';
      readonly tenantId: string;
      readonly userId: string;
      readonly at: Date;
    };

export interface SubjectProjection {
  /** Counter changes: contributions after minus contributions before. */
  readonly deltas: CounterDelta[];
  readonly changedUsers: UserState[];
  readonly changedFactors: FactorState[];
}

export const subjectKey = (tenantId: string, userId: string) => `${tenantId}\u0000${userId}`;
const factorKey = (tenantId: string, factorId: string) => `${tenantId}\u0000${factorId}`;

const earliest = (a: Date | undefined, b: Date) => (a && a.getTime() <= b.getTime() ? a : b);

/** A run of whole UTC days: from `start` inclusive to `end` exclusive, or open-ended. */
interface DayRun {
  readonly start: string;
  readonly end: string | undefined;
}

/** The days something is in force at the end of: from its start day until its end day. */
function runOf(start: Date | undefined, end: Date | undefined): DayRun | undefined {
  if (!start) return undefined;
  const run = { start: utcDay(start), end: end ? utcDay(end) : undefined };
  return run.end !== undefined && run.end <= run.start ? undefined : run;
}

const endsAfter = (a: string | undefined, b: string | undefined) =>
  a === undefined ? b !== undefined : b !== undefined && a > b;

/** Disjoint, sorted runs covering the same days as the input (adjacent runs are joined). */
function union(runs: readonly DayRun[]): DayRun[] {
  const sorted = [...runs].sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
  const out: DayRun[] = [];
  for (const run of sorted) {
    const last = out[out.length - 1];
    if (last && (last.end === undefined || run.start <= last.end)) {
      if (endsAfter(run.end, last.end)) out[out.length - 1] = { start: last.start, end: run.end };
    } else {
      out.push(run);
    }
  }
  return out;
}

function intersect(a: DayRun, b: DayRun): DayRun | undefined {
  const start = a.start > b.start ? a.start : b.start;
  const end = a.end === undefined ? b.end : b.end === undefined ? a.end : a.end < b.end ? a.end : b.end;
  return end !== undefined && end <= start ? undefined : { start, end };
}

function contribute(
  out: CounterDelta[],
  tenantId: string,
  metric: KpiMetric,
  dim1: string,
  run: DayRun | undefined,
): void {
  if (!run) return;
  out.push({ tenantId, day: run.start, metric, dim1, dim2: '', value: 1 });
  if (run.end !== undefined) out.push({ tenantId, day: run.end, metric, dim1, dim2: '', value: -1 });
}

/** What one user and their factors add to the level deltas. */
export function contributionsOf(
  tenantId: string,
  user: UserState | undefined,
  factors: readonly FactorState[],
): CounterDelta[] {
  const out: CounterDelta[] = [];
  const active = runOf(user?.createdAt, user?.disabledAt);
  contribute(out, tenantId, KPI_METRICS.activeUsers, '', active);
  const protecting: DayRun[] = [];
  for (const factor of factors) {
    const run = runOf(factor.enrolledAt, factor.removedAt);
    contribute(out, tenantId, KPI_METRICS.activeFactors, factor.factorType, run);
    if (run && factor.factorType !== RECOVERY_CODES) protecting.push(run);
  }
  if (active) {
    for (const run of union(protecting)) {
      contribute(out, tenantId, KPI_METRICS.usersWithFactor, '', intersect(run, active));
    }
  }
  return out;
}

/**
 * Applies a batch's changes to the users' and factors' state (loaded for every user the changes
 * name) and returns the counter deltas and the rows to write.
 */
export function projectSubjects(
  users: readonly UserState[],
  factors: readonly FactorState[],
  changes: readonly SubjectChange[],
): SubjectProjection {
  const userState = new Map(users.map((u) => [subjectKey(u.tenantId, u.userId), u]));
  const factorState = new Map(factors.map((f) => [factorKey(f.tenantId, f.factorId), f]));
  const touched = new Map<string, { tenantId: string; userId: string }>();
  for (const c of changes) touched.set(subjectKey(c.tenantId, c.userId), c);

  const factorKeysOf = new Map<string, Set<string>>();
  const index = (f: FactorState) => {
    const user = subjectKey(f.tenantId, f.userId);
    const keys = factorKeysOf.get(user) ?? new Set<string>();
    keys.add(factorKey(f.tenantId, f.factorId));
    factorKeysOf.set(user, keys);
  };
  for (const f of factors) index(f);
  const factorsOf = (tenantId: string, userId: string) =>
    [...(factorKeysOf.get(subjectKey(tenantId, userId)) ?? [])]
      .map((k) => factorState.get(k))
      .filter((f) => f !== undefined);
  const snapshot = () => {
    const deltas: CounterDelta[] = [];
    for (const [key, { tenantId, userId }] of touched) {
      deltas.push(...contributionsOf(tenantId, userState.get(key), factorsOf(tenantId, userId)));
    }
    return deltas;
  };

  const before = snapshot();
  const changedUsers = new Set<string>();
  const changedFactors = new Set<string>();
  const setUser = (tenantId: string, userId: string, update: (u: UserState) => UserState) => {
    const key = subjectKey(tenantId, userId);
    const current = userState.get(key) ?? { tenantId, userId, createdAt: undefined, disabledAt: undefined };
    userState.set(key, update(current));
    changedUsers.add(key);
  };
  const setFactor = (
    c: { tenantId: string; userId: string; factorId: string; factorType: string },
    update: (f: FactorState) => FactorState,
  ) => {
    const key = factorKey(c.tenantId, c.factorId);
    const current = factorState.get(key) ?? {
      tenantId: c.tenantId,
      factorId: c.factorId,
      userId: c.userId,
      factorType: c.factorType,
      enrolledAt: undefined,
      removedAt: undefined,
    };
    const updated = update(current);
    factorState.set(key, updated);
    index(updated);
    changedFactors.add(key);
  };

  for (const c of changes) {
    switch (c.kind) {
      case 'user-created':
        setUser(c.tenantId, c.userId, (u) => ({ ...u, createdAt: earliest(u.createdAt, c.at) }));
        break;
      case 'user-disabled':
        setUser(c.tenantId, c.userId, (u) => ({ ...u, disabledAt: earliest(u.disabledAt, c.at) }));
        break;
      case 'factor-enrolled':
        setFactor(c, (f) => ({ ...f, enrolledAt: earliest(f.enrolledAt, c.at) }));
        break;
      case 'factor-removed':
        setFactor(c, (f) => ({ ...f, removedAt: earliest(f.removedAt, c.at) }));
        break;
      case 'factors-reset':
        for (const f of factorsOf(c.tenantId, c.userId)) {
          if (f.enrolledAt && !f.removedAt && f.enrolledAt.getTime() <= c.at.getTime()) {
            setFactor(f, (s) => ({ ...s, removedAt: c.at }));
          }
        }
        break;
    }
  }

  const sums = new Map<string, CounterDelta>();
  const add = (d: CounterDelta, sign: number) => {
    const key = [d.tenantId, d.day, d.metric, d.dim1, d.dim2].join('\u0000');
    const sum = sums.get(key);
    sums.set(key, { ...d, value: (sum?.value ?? 0) + sign * d.value });
  };
  for (const d of before) add(d, -1);
  for (const d of snapshot()) add(d, 1);

  return {
    deltas: [...sums.values()].filter((d) => d.value !== 0),
    changedUsers: [...changedUsers].map((k) => userState.get(k)).filter((u) => u !== undefined),
    changedFactors: [...changedFactors].map((k) => factorState.get(k)).filter((f) => f !== undefined),
  };
}
