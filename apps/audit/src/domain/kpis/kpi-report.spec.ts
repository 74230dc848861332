import { resolvePeriod } from './kpi-period';
import { buildMfaKpis, type KpiAggregates, type MetricSum } from './kpi-report';
import { bucketOf, bucketValue } from './verify-histogram';

const estimate = (ms: number) => bucketValue(bucketOf(ms));

const period = resolvePeriod(
  { from: new Date('2025-01-01T00:00:00Z'), to: new Date('2025-01-04T00:00:00Z') },
  new Date('2025-02-01T00:00:00Z'),
);
const m = (metric: string, value: number, dim1 = '', dim2 = ''): MetricSum => ({ metric, dim1, dim2, value });
const empty: KpiAggregates = {
  totals: [],
  baseline: [],
  daily: [],
  spend: [],
  dailySpend: [],
  histogram: [],
  abandoned: [],
};
const build = (
  aggregates: Partial<KpiAggregates>,
  settings = { lossValuePerTakeover: '0', currency: 'USD' },
) => buildMfaKpis({ tenantId: 't', period, settings, aggregates: { ...empty, ...aggregates } });

describe('buildMfaKpis', () => {
  it('answers zeros, not NaN, for a tenant without data, with one daily entry per day', () => {
    const k = build({});
    expect(k.adoption).toEqual({ activeUsers: 0, usersWithFactor: 0, rate: 0 });
    expect(k.challenges).toMatchObject({
      started: 0,
      successRate: 0,
      abandonmentRate: 0,
      medianTimeToVerifyMs: 0,
    });
    expect(k.roi).toEqual({
      currency: 'USD',
      messagingSpend: '0',
      preventedTakeovers: 0,
      lossValuePerTakeover: '0',
      estimatedLossPrevented: '0',
      roi: 0,
    });
    expect(k.daily.map((d) => d.date)).toEqual(['2025-01-01', '2025-01-02', '2025-01-03']);
    expect(k.daily.every((d) => d.spend === '0' && d.activeUsers === 0)).toBe(true);
  });

  it('adds the deltas before the period to the levels, at its end and day by day', () => {
    const k = build({
      baseline: [m('users.active', 10), m('users.with_factor', 4), m('factors.active', 3, 'totp')],
      totals: [
        m('users.active', 2),
        m('users.with_factor', 1),
        m('factors.active', -3, 'totp'),
        m('factors.active', 2, 'webauthn'),
      ],
      daily: [
        { day: '2025-01-02', metric: 'users.active', value: 3 },
        { day: '2025-01-03', metric: 'users.active', value: -1 },
        { day: '2025-01-03', metric: 'users.with_factor', value: 1 },
      ],
    });
    expect(k.adoption).toEqual({ activeUsers: 12, usersWithFactor: 5, rate: 5 / 12 });
    expect(k.factorMix).toEqual([{ factorType: 'webauthn', active: 2 }]);
    expect(k.daily.map((d) => [d.activeUsers, d.usersWithFactor])).toEqual([
      [10, 4],
      [13, 4],
      [12, 5],
    ]);
  });

  it('derives the funnel, treating recovery codes as started when enrolled', () => {
    const k = build({
      totals: [
        m('enrolment.started', 10, 'sms_otp'),
        m('enrolment.completed', 7, 'sms_otp'),
        m('enrolment.started', 2, 'totp'),
        m('enrolment.completed', 3, 'totp'),
        m('enrolment.completed', 4, 'recovery_codes'),
      ],
    });
    expect(k.enrolmentFunnel).toEqual([
      { factorType: 'totp', started: 2, completed: 3, dropped: 0, completionRate: 1.5 },
      { factorType: 'sms_otp', started: 10, completed: 7, dropped: 3, completionRate: 0.7 },
      { factorType: 'recovery_codes', started: 4, completed: 4, dropped: 0, completionRate: 1 },
    ]);
  });

  it('computes challenge rates and times per factor type and in total', () => {
    const k = build({
      totals: [
        m('challenge.started', 10, 'totp'),
        m('challenge.verified', 6, 'totp'),
        m('challenge.failed', 2, 'totp'),
        m('challenge.verify_ms', 6000, 'totp'),
        m('challenge.started', 4, 'sms_otp'),
        m('challenge.verified', 2, 'sms_otp'),
        m('challenge.verify_ms', 30_000, 'sms_otp'),
      ],
      histogram: [
        { factorType: 'totp', bucket: bucketOf(1000), count: 6 },
        { factorType: 'sms_otp', bucket: bucketOf(15_000), count: 2 },
      ],
      abandoned: [
        { factorType: 'totp', count: 2 },
        { factorType: 'sms_otp', count: 1 },
      ],
    });
    expect(k.challenges).toEqual({
      factorType: '',
      started: 14,
      verified: 8,
      failed: 2,
      abandoned: 3,
      successRate: 0.8,
      abandonmentRate: 3 / 14,
      // Six of eight took 1 s: the median is 1 s and the 90th percentile 15 s, as their buckets say.
      medianTimeToVerifyMs: estimate(1000),
      p90TimeToVerifyMs: estimate(15_000),
      meanTimeToVerifyMs: 4500,
    });
    expect(k.challengesByFactor.map((c) => [c.factorType, c.successRate, c.meanTimeToVerifyMs])).toEqual([
      ['totp', 0.75, 1000],
      ['sms_otp', 1, 15_000],
    ]);
  });

  it('reports delivery per channel with exact spend, other currencies on rows of their own', () => {
    const k = build(
      {
        totals: [
          m('delivery.sent', 4, 'sms'),
          m('delivery.delivered', 3, 'sms'),
          m('delivery.refused', 1, 'voice'),
        ],
        spend: [
          { channel: 'sms', currency: 'USD', amount: '0.0225' },
          { channel: 'sms', currency: 'EUR', amount: '0.0100' },
        ],
      },
      { lossValuePerTakeover: '0', currency: 'EUR' },
    );
    expect(k.delivery).toEqual([
      {
        channel: 'sms',
        sent: 4,
        delivered: 3,
        failed: 0,
        refused: 0,
        successRate: 0.75,
        spend: '0.01',
        spendCurrency: 'EUR',
      },
      {
        channel: 'sms',
        sent: 0,
        delivered: 0,
        failed: 0,
        refused: 0,
        successRate: 0,
        spend: '0.0225',
        spendCurrency: 'USD',
      },
      {
        channel: 'voice',
        sent: 0,
        delivered: 0,
        failed: 0,
        refused: 1,
        successRate: 0,
        spend: '0',
        spendCurrency: 'EUR',
      },
    ]);
  });

  it('prices prevented takeovers exactly and computes the ROI on spend in the settings currency', () => {
    const k = build(
      {
        totals: [
          m('risk.denied_sign_in', 3),
          m('lockout.factor', 2),
          m('lockout.user', 1),
          m('alert', 4, 'risk'),
        ],
        spend: [
          { channel: 'sms', currency: 'USD', amount: '12.5' },
          { channel: 'sms', currency: 'EUR', amount: '100' },
        ],
        dailySpend: [
          { day: '2025-01-02', currency: 'USD', amount: '12.5' },
          { day: '2025-01-02', currency: 'EUR', amount: '100' },
        ],
      },
      { lossValuePerTakeover: '1500.1234', currency: 'USD' },
    );
    expect(k.roi).toEqual({
      currency: 'USD',
      messagingSpend: '12.5',
      preventedTakeovers: 5,
      lossValuePerTakeover: '1500.1234',
      estimatedLossPrevented: '7500.617',
      roi: (7500.617 - 12.5) / 12.5,
    });
    expect([k.userLockouts, k.factorLockouts, k.alerts]).toEqual([1, 2, 4]);
    expect(k.daily.map((d) => d.spend)).toEqual(['0', '12.5', '0']);
  });

  it('lists risk decisions by level and decision, and reasons most frequent first', () => {
    const k = build({
      totals: [
        m('risk.decision', 2, 'low', 'allow'),
        m('risk.decision', 1, 'critical', 'deny'),
        m('risk.reason', 1, 'NEW_DEVICE'),
        m('risk.reason', 5, 'TOR_EXIT'),
      ],
    });
    expect(k.riskDecisions).toEqual([
      { level: 'critical', decision: 'deny', count: 1 },
      { level: 'low', decision: 'allow', count: 2 },
    ]);
    expect(k.riskReasons).toEqual([
      { reasonCode: 'TOR_EXIT', count: 5 },
      { reasonCode: 'NEW_DEVICE', count: 1 },
    ]);
  });
});
