import type { AuditEvent } from '../audit-event';
import { addDecimals, absDecimal, type Decimal, parseDecimal } from './decimal';
import { CounterSet, KPI_METRICS, utcDay } from './kpi-metrics';
import type { SubjectChange } from './subject-state';
import { bucketOf } from './verify-histogram';

/** What the projection reads of an event. */
export type KpiEvent = Pick<AuditEvent, 'tenantId' | 'type' | 'userId' | 'occurredAt' | 'data'>;

export interface SpendDelta {
  readonly tenantId: string;
  readonly day: string;
  readonly channel: string;
  readonly currency: string;
  /** Exact, positive. */
  readonly amount: Decimal;
}

export interface HistogramDelta {
  readonly tenantId: string;
  readonly day: string;
  readonly factorType: string;
  readonly bucket: number;
  readonly count: number;
}

export interface ChallengeStart {
  readonly tenantId: string;
  readonly challengeId: string;
  readonly factorType: string;
  readonly startedDay: string;
  readonly expireAt: Date;
}

export interface ChallengeVerification {
  readonly tenantId: string;
  readonly challengeId: string;
  readonly factorType: string;
}

/** One batch of events, pre-aggregated: a handful of rows to upsert whatever its size. */
export interface KpiBatch {
  readonly counters: CounterSet;
  readonly spend: SpendDelta[];
  readonly histogram: HistogramDelta[];
  /** Authentication challenges started and not verified within the batch. */
  readonly challengeStarts: ChallengeStart[];
  /** Verifications of challenges not started within the batch. */
  readonly challengeVerifications: ChallengeVerification[];
  /** In event order. */
  readonly subjectChanges: SubjectChange[];
}

const text = (data: Record<string, unknown>, key: string) => {
  const v = data[key];
  return typeof v === 'string' ? v : '';
};

const texts = (data: Record<string, unknown>, key: string) => {
  const v = data[key];
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
};

/** proto3 JSON int64 (a string) or int32 (a number); 0 when omitted (its default). */
const integer = (data: Record<string, unknown>, key: string) => {
  const v = data[key];
  const n = typeof v === 'string' ? Number(v) : typeof v === 'number' ? v : 0;
  return Number.isFinite(n) && n > 0 ? Math.floor(n) : 0;
};

const instant = (data: Record<string, unknown>, key: string) => {
  const v = data[key];
  if (typeof v !== 'string') return undefined;
  const at = new Date(v);
  return Number.isNaN(at.getTime()) ? undefined : at;
};

/** Enrolment and activation challenges belong to the enrolment funnel, not the challenge KPIs. */
const isAuthentication = (data: Record<string, unknown>) => text(data, 'purpose') !== 'ENROLLMENT';

/** Gateway kinds sign_in and passwordless are sign-ins; step_up is not. */
const isSignIn = (data: Record<string, unknown>) => text(data, 'kind') !== 'step_up';

const key = (...parts: (string | number)[]) => parts.join('\u0000');

/** Turns recorded events into counter, spend and histogram deltas and state changes. */
export function collectKpiBatch(events: readonly KpiEvent[]): KpiBatch {
  const counters = new CounterSet();
  const spend = new Map<string, SpendDelta>();
  const histogram = new Map<string, HistogramDelta>();
  const starts = new Map<string, ChallengeStart>();
  const verifications = new Map<string, ChallengeVerification>();
  const subjectChanges: SubjectChange[] = [];

  for (const event of events) {
    const { tenantId, data } = event;
    const day = utcDay(event.occurredAt);
    const at = event.occurredAt;
    const userId = event.userId ?? text(data, 'userId');
    const factorType = text(data, 'factorType');
    const count = (metric: Parameters<CounterSet['add']>[2], dim1 = '', dim2 = '', value = 1) =>
      counters.add(tenantId, day, metric, dim1, dim2, value);

    switch (event.type) {
      case 'identity.user.created':
        if (userId) subjectChanges.push({ kind: 'user-created', tenantId, userId, at });
        break;
      case 'identity.user.disabled':
        if (userId) subjectChanges.push({ kind: 'user-disabled', tenantId, userId, at });
        break;
      case 'identity.user.locked':
        count(KPI_METRICS.userLockout);
        break;
      case 'factors.enrollment.started':
        count(KPI_METRICS.enrolmentStarted, factorType);
        break;
      case 'factors.totp.enrolled':
      case 'factors.webauthn.enrolled':
      case 'factors.sms_otp.enrolled':
      case 'factors.voice_otp.enrolled':
      case 'factors.email_otp.enrolled':
      case 'factors.recovery_codes.enrolled': {
        const type = factorType || event.type.split('.')[1] || '';
        count(KPI_METRICS.enrolmentCompleted, type);
        const factorId = text(data, 'factorId');
        if (userId && factorId) {
          subjectChanges.push({ kind: 'factor-enrolled', tenantId, userId, factorId, factorType: type, at });
        }
        break;
      }
      case 'factors.factor.removed': {
        const factorId = text(data, 'factorId');
        if (userId && factorId) {
          subjectChanges.push({ kind: 'factor-removed', tenantId, userId, factorId, factorType, at });
        }
        break;
      }
      case 'factors.factors.reset':
        if (userId) subjectChanges.push({ kind: 'factors-reset', tenantId, userId, at });
        break;
      case 'factors.factor.locked':
        count(KPI_METRICS.factorLockout);
        break;
      case 'factors.challenge.started': {
        if (!isAuthentication(data)) break;
        count(KPI_METRICS.challengeStarted, factorType);
        const challengeId = text(data, 'challengeId');
        if (!challengeId) break;
        const k = key(tenantId, challengeId);
        // Verified earlier in this batch (a passwordless start has no user, so another key).
        if (verifications.delete(k)) break;
        // A start without an expiry cannot wait for one: unverified, it is abandoned at once.
        const expireAt = instant(data, 'expireTime') ?? at;
        starts.set(k, { tenantId, challengeId, factorType, startedDay: day, expireAt });
        break;
      }
      case 'factors.challenge.verified': {
        if (!isAuthentication(data)) break;
        count(KPI_METRICS.challengeVerified, factorType);
        const durationMs = integer(data, 'durationMs');
        count(KPI_METRICS.challengeVerifyMs, factorType, '', durationMs);
        const bucket = bucketOf(durationMs);
        const h = key(tenantId, day, factorType, bucket);
        histogram.set(h, {
          tenantId,
          day,
          factorType,
          bucket,
          count: (histogram.get(h)?.count ?? 0) + 1,
        });
        const challengeId = text(data, 'challengeId');
        if (!challengeId) break;
        const k = key(tenantId, challengeId);
        if (!starts.delete(k)) verifications.set(k, { tenantId, challengeId, factorType });
        break;
      }
      case 'factors.challenge.failed':
        if (isAuthentication(data)) count(KPI_METRICS.challengeFailed, factorType);
        break;
      case 'delivery.message.sent':
        count(KPI_METRICS.deliverySent, text(data, 'channel'));
        break;
      case 'delivery.message.refused':
        count(KPI_METRICS.deliveryRefused, text(data, 'channel'));
        break;
      case 'delivery.message.failed':
        count(KPI_METRICS.deliveryFailed, text(data, 'channel'));
        break;
      case 'delivery.message.delivered':
      case 'delivery.message.undelivered': {
        const channel = text(data, 'channel');
        count(
          event.type === 'delivery.message.delivered'
            ? KPI_METRICS.deliveryDelivered
            : KPI_METRICS.deliveryFailed,
          channel,
        );
        // Twilio reports what it charged as a negative amount ("-0.0075"): spend is its size.
        const price = parseDecimal(text(data, 'price'));
        if (price && price.units !== 0n) {
          const currency = text(data, 'priceUnit').trim().toUpperCase();
          const s = key(tenantId, day, channel, currency);
          const sum = spend.get(s);
          const amount = absDecimal(price);
          spend.set(s, {
            tenantId,
            day,
            channel,
            currency,
            amount: sum ? addDecimals(sum.amount, amount) : amount,
          });
        }
        break;
      }
      case 'delivery.fraud.alert_raised':
        count(KPI_METRICS.alert, 'delivery');
        break;
      case 'risk.alert.raised':
        count(KPI_METRICS.alert, 'risk');
        break;
      case 'risk.attempt.scored': {
        const decision = text(data, 'decision');
        count(KPI_METRICS.riskDecision, text(data, 'level'), decision);
        for (const reason of new Set(texts(data, 'reasonCodes'))) count(KPI_METRICS.riskReason, reason);
        if (decision === 'deny' && text(data, 'actionKind') === 'sign_in')
          count(KPI_METRICS.riskDeniedSignIn);
        break;
      }
      case 'gateway.authentication.succeeded':
        if (isSignIn(data)) count(KPI_METRICS.signInSucceeded);
        break;
      case 'gateway.authentication.failed':
        if (isSignIn(data)) count(KPI_METRICS.signInFailed);
        break;
      default:
        break;
    }
  }

  return {
    counters,
    spend: [...spend.values()],
    histogram: [...histogram.values()],
    challengeStarts: [...starts.values()],
    challengeVerifications: [...verifications.values()],
    subjectChanges,
  };
}
