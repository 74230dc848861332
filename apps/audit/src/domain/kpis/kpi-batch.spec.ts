import type { EventType } from '@portcullis/contracts';
import { formatDecimal } from './decimal';
import { collectKpiBatch, type KpiEvent } from './kpi-batch';
import { bucketOf } from './verify-histogram';

const T = 'tenant';
const ev = (type: EventType, data: Record<string, unknown>, day = 1): KpiEvent => ({
  tenantId: T,
  type,
  userId: typeof data['userId'] === 'string' ? data['userId'] : undefined,
  occurredAt: new Date(Date.UTC(2025, 0, day, 10)),
  data,
});
const counters = (events: KpiEvent[]) =>
  Object.fromEntries(
    collectKpiBatch(events)
      .counters.entries()
      .map((c) => [[c.day, c.metric, c.dim1, c.dim2].join('|'), c.value]),
  );

describe('collectKpiBatch', () => {
  it('sums a batch into one delta per tenant, day, metric and dimensions', () => {
    const sent = (channel: string, day: number) => ev('delivery.message.sent', { channel }, day);
    expect(counters([sent('sms', 1), sent('sms', 1), sent('voice', 1), sent('sms', 2)])).toEqual({
      '2025-01-01|delivery.sent|sms|': 2,
      '2025-01-01|delivery.sent|voice|': 1,
      '2025-01-02|delivery.sent|sms|': 1,
    });
  });

  it('keeps enrolment challenges out of the challenge KPIs', () => {
    const data = { userId: 'u', challengeId: 'c', factorType: 'sms_otp', purpose: 'ENROLLMENT' };
    const batch = collectKpiBatch([
      ev('factors.challenge.verified', { ...data, durationMs: '900' }),
      ev('factors.challenge.failed', { ...data, reason: 'CODE_INVALID' }),
    ]);
    expect(batch.counters.entries()).toEqual([]);
    expect(batch.histogram).toEqual([]);
    expect(batch.challengeVerifications).toEqual([]);
  });

  it('closes a challenge started and verified in the same batch, in either order', () => {
    const started = (id: string) =>
      ev('factors.challenge.started', {
        challengeId: id,
        factorType: 'totp',
        purpose: 'AUTHENTICATION',
        expireTime: '2025-01-01T10:05:00.000Z',
      });
    const verified = (id: string) =>
      ev('factors.challenge.verified', { challengeId: id, factorType: 'totp', purpose: 'AUTHENTICATION' });
    const batch = collectKpiBatch([
      started('a'),
      verified('a'),
      verified('b'),
      started('b'),
      started('c'),
      verified('d'),
    ]);
    expect(batch.challengeStarts.map((s) => s.challengeId)).toEqual(['c']);
    expect(batch.challengeStarts[0]?.expireAt).toEqual(new Date('2025-01-01T10:05:00.000Z'));
    expect(batch.challengeVerifications.map((v) => v.challengeId)).toEqual(['d']);
    // A verification without durationMs took 0 ms (proto3 JSON omits defaults).
    expect(batch.histogram).toEqual([
      { tenantId: T, day: '2025-01-01', factorType: 'totp', bucket: 0, count: 3 },
    ]);
  });

  it('sums durations and buckets them', () => {
    const verified = (ms: string) =>
      ev('factors.challenge.verified', { challengeId: ms, factorType: 'webauthn', durationMs: ms });
    const batch = collectKpiBatch([verified('1000'), verified('1000'), verified('3000')]);
    expect(counters([verified('1000'), verified('3000')])['2025-01-01|challenge.verify_ms|webauthn|']).toBe(
      4000,
    );
    expect(batch.histogram.map((h) => [h.bucket, h.count])).toEqual([
      [bucketOf(1000), 2],
      [bucketOf(3000), 1],
    ]);
  });

  it('turns Twilio prices into exact positive spend per channel and currency', () => {
    const receipt = (type: EventType, price: string, priceUnit = 'USD', channel = 'sms') =>
      ev(type, { channel, price, priceUnit });
    const batch = collectKpiBatch([
      receipt('delivery.message.delivered', '-0.0075'),
      receipt('delivery.message.delivered', '-0.00750'),
      receipt('delivery.message.undelivered', '-0.0075'),
      receipt('delivery.message.delivered', '', ''),
      receipt('delivery.message.delivered', '-0.02', 'eur', 'voice'),
      receipt('delivery.message.delivered', 'not a price'),
    ]);
    expect(batch.spend.map((s) => [s.channel, s.currency, formatDecimal(s.amount)])).toEqual([
      ['sms', 'USD', '0.0225'],
      ['voice', 'EUR', '0.02'],
    ]);
    expect(
      counters([
        receipt('delivery.message.undelivered', ''),
        ev('delivery.message.failed', { channel: 'sms' }),
      ]),
    ).toEqual({ '2025-01-01|delivery.failed|sms|': 2 });
  });

  it('counts risk decisions, reasons and the sign-ins risk denied', () => {
    const scored = (decision: string, actionKind: string, reasonCodes: string[]) =>
      ev('risk.attempt.scored', { level: 'high', decision, actionKind, reasonCodes });
    expect(
      counters([
        scored('deny', 'sign_in', ['IMPOSSIBLE_TRAVEL', 'NEW_DEVICE']),
        scored('deny', 'step_up', ['NEW_DEVICE']),
        scored('challenge', 'sign_in', []),
      ]),
    ).toEqual({
      '2025-01-01|risk.decision|high|deny': 2,
      '2025-01-01|risk.decision|high|challenge': 1,
      '2025-01-01|risk.reason|IMPOSSIBLE_TRAVEL|': 1,
      '2025-01-01|risk.reason|NEW_DEVICE|': 2,
      '2025-01-01|risk.denied_sign_in||': 1,
    });
  });

  it('counts sign-ins (not step-ups), lockouts and both kinds of alert', () => {
    expect(
      counters([
        ev('gateway.authentication.succeeded', { kind: 'sign_in' }),
        ev('gateway.authentication.succeeded', { kind: 'passwordless' }),
        ev('gateway.authentication.succeeded', { kind: 'step_up' }),
        ev('gateway.authentication.failed', { kind: 'sign_in', reason: 'DENIED_BY_RISK' }),
        ev('identity.user.locked', { userId: 'u' }),
        ev('identity.user.unlocked', { userId: 'u' }),
        ev('factors.factor.locked', { userId: 'u', factorType: 'totp' }),
        ev('risk.alert.raised', { kind: 'CREDENTIAL_STUFFING' }),
        ev('delivery.fraud.alert_raised', { scope: 'PREFIX' }),
      ]),
    ).toEqual({
      '2025-01-01|sign_in.succeeded||': 2,
      '2025-01-01|sign_in.failed||': 1,
      '2025-01-01|lockout.user||': 1,
      '2025-01-01|lockout.factor||': 1,
      '2025-01-01|alert|risk|': 1,
      '2025-01-01|alert|delivery|': 1,
    });
  });

  it('hands user and factor changes on in event order, and counts the funnel', () => {
    const batch = collectKpiBatch([
      ev('identity.user.created', { userId: 'u' }),
      ev('factors.enrollment.started', { userId: 'u', factorId: 'f', factorType: 'totp' }),
      ev('factors.totp.enrolled', { userId: 'u', factorId: 'f', factorType: 'totp' }),
      ev('factors.factor.removed', { userId: 'u', factorId: 'f', factorType: 'totp', reason: 'USER' }),
      ev('factors.factors.reset', { userId: 'u', removedCount: 0 }),
      ev('identity.user.disabled', { userId: 'u' }),
    ]);
    expect(batch.subjectChanges.map((c) => c.kind)).toEqual([
      'user-created',
      'factor-enrolled',
      'factor-removed',
      'factors-reset',
      'user-disabled',
    ]);
    expect(batch.counters.entries().map((c) => [c.metric, c.dim1, c.value])).toEqual([
      ['enrolment.completed', 'totp', 1],
      ['enrolment.started', 'totp', 1],
    ]);
  });
});
