import { kpiPeriodInvalid } from './kpi.errors';
import { utcDay } from './kpi-metrics';

export const DAY_MS = 24 * 60 * 60 * 1000;
export const DEFAULT_PERIOD_DAYS = 30;
export const MAX_PERIOD_DAYS = 400;

/** Whole UTC days: from inclusive, to exclusive. */
export interface KpiPeriod {
  readonly from: Date;
  readonly to: Date;
  /** Every day of the period, YYYY-MM-DD, in order. */
  readonly days: readonly string[];
}

const floorDay = (at: Date) => new Date(Math.floor(at.getTime() / DAY_MS) * DAY_MS);
const ceilDay = (at: Date) => new Date(Math.ceil(at.getTime() / DAY_MS) * DAY_MS);

/**
 * The period a KPI request asks for. Bounds are widened to whole UTC days (from down to its
 * midnight, to up to the next midnight) since aggregates are kept per day. Without `to` the
 * period ends with today; without `from` it starts DEFAULT_PERIOD_DAYS before its end.
 */
export function resolvePeriod(
  request: { from?: Date | undefined; to?: Date | undefined },
  now: Date,
): KpiPeriod {
  if (request.from && request.to && request.to.getTime() <= request.from.getTime()) {
    throw kpiPeriodInvalid('to_time', 'must be after from_time');
  }
  const to = request.to ? ceilDay(request.to) : new Date(floorDay(now).getTime() + DAY_MS);
  const from = request.from ? floorDay(request.from) : new Date(to.getTime() - DEFAULT_PERIOD_DAYS * DAY_MS);
  const length = Math.round((to.getTime() - from.getTime()) / DAY_MS);
  if (length <= 0) throw kpiPeriodInvalid('to_time', 'must be after from_time');
  if (length > MAX_PERIOD_DAYS)
    throw kpiPeriodInvalid('from_time', `the period may not be longer than ${MAX_PERIOD_DAYS} days`);
  const days = Array.from({ length }, (_, i) => utcDay(new Date(from.getTime() + i * DAY_MS)));
  return { from, to, days };
}
