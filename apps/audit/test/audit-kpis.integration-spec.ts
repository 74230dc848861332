import { randomUUID } from 'node:crypto';
import {
  auditV1,
  EVENT_CATALOGUE,
  EVENT_HEADERS,
  type EventType,
  PROTO_FILES,
  PROTO_PACKAGES,
  toTimestamp,
} from '@portcullis/contracts';
import { GrpcPeer, type RunningService, startGrpcService } from '@portcullis/grpc';
import { createLogger } from '@portcullis/observability';
import { createDataSource, migrateDatabase } from '@portcullis/persistence';
import {
  dropDatabases,
  eventually,
  freePort,
  publishRaw,
  testInfrastructure,
  uniqueDatabaseName,
  uniqueSuffix,
} from '@portcullis/testing';
import type { DataSource } from 'typeorm';
import { AuditModule } from '../src/app.module';
import { loadAuditConfig } from '../src/config/audit.config';
import type { AuditEvent } from '../src/domain/audit-event';
import { resolvePeriod } from '../src/domain/kpis/kpi-period';
import type { ChallengeKpis, DeliveryKpis, MfaKpiReport } from '../src/domain/kpis/kpi-report';
import type { KpiSettings } from '../src/domain/kpis/kpi-settings';
import { bucketOf, bucketValue, PERCENTILE_RELATIVE_ERROR } from '../src/domain/kpis/verify-histogram';
import { AUDIT_MIGRATIONS } from '../src/persistence/migrations';
import { SqlKpiProjection } from '../src/persistence/sql-kpi-projection';
import { SqlKpiReadModel } from '../src/persistence/sql-kpi-read-model';
import { SqlKpiSettings } from '../src/persistence/sql-kpi-settings';
import { GetMfaKpisUseCase } from '../src/use-cases/get-mfa-kpis/get-mfa-kpis.use-case';
import { SetKpiSettingsUseCase } from '../src/use-cases/set-kpi-settings/set-kpi-settings.use-case';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const START = Date.UTC(2025, 0, 1);
/** The history covers 2025-01-01 to 2025-01-05. */
const END = Date.UTC(2025, 0, 6);
const iso = (ms: number) => new Date(ms).toISOString();
const dayOf = (e: AuditEvent) => e.occurredAt.toISOString().slice(0, 10);

/** Mulberry32: a small seeded generator, so a failing history can be replayed. */
function prng(seed: number) {
  let s = seed;
  const next = () => {
    s = (s + 0x6d2b79f5) | 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (a: number, b: number) => a + Math.floor(next() * (b - a + 1)),
    pick: <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)],
  };
}

function auditEvent(
  tenantId: string,
  type: EventType,
  at: number,
  data: Record<string, unknown>,
): AuditEvent {
  const userId = typeof data['userId'] === 'string' && data['userId'] ? data['userId'] : undefined;
  return {
    eventId: randomUUID(),
    tenantId,
    type,
    userId,
    source: EVENT_CATALOGUE[type].topic,
    occurredAt: new Date(at),
    data,
    outcome: 'none',
    clientIp: undefined,
    traceparent: undefined,
    recordedAt: new Date(at),
    sequence: '0',
    hash: '',
    previousHash: '',
  };
}

const CHANNEL: Record<string, string> = { sms_otp: 'sms', voice_otp: 'voice', email_otp: 'email' };

/**
 * Forty users over five days, built the way the producers build their events (proto3 JSON,
 * defaults omitted): enrolments completed and dropped, pending and active factors removed, an
 * admin reset, replaced recovery codes, sign-ins scored by risk, challenges verified, failed,
 * locked and abandoned, codes sent, delivered, undelivered, failed and refused with Twilio
 * prices, lockouts, disabled users, alerts and passwordless challenges.
 */
function history(tenantId: string): AuditEvent[] {
  const rnd = prng(20250101);
  const events: AuditEvent[] = [];
  const add = (type: EventType, at: number, data: Record<string, unknown>) =>
    events.push(auditEvent(tenantId, type, at, data));

  for (let i = 0; i < 40; i += 1) {
    const userId = `user-${String(i).padStart(2, '0')}`;
    let t = START + (i % 5) * DAY + (1 + (i % 7)) * HOUR + i * MIN;
    const step = (minutes: number) => (t += minutes * MIN);
    const active: { factorId: string; factorType: string }[] = [];
    let factorCount = 0;

    const deliver = (factorType: string, codeId: string) => {
      const channel = CHANNEL[factorType];
      if (!channel) return;
      const r = rnd.next();
      const base = { userId, codeId, channel };
      if (r < 0.08) return add('delivery.message.refused', t, { ...base, reason: 'COUNTRY_BLOCKED' });
      if (r < 0.15) return add('delivery.message.failed', t, { ...base, reason: 'NO_PROVIDER', attempts: 2 });
      add('delivery.message.sent', t, { ...base, provider: 'twilio', providerMessageId: `SM-${codeId}` });
      if (channel === 'email') return; // SMTP sends no receipt
      const price = channel === 'voice' ? '-0.0130' : '-0.00750';
      const priceUnit = i === 17 ? 'EUR' : 'USD';
      const receipt = { ...base, provider: 'twilio', providerMessageId: `SM-${codeId}`, priceUnit };
      if (r < 0.27) {
        add('delivery.message.undelivered', t + 20_000, {
          ...receipt,
          status: 'undelivered',
          errorCode: '30003',
          price,
        });
      } else if (r < 0.33) {
        add('delivery.message.delivered', t + 20_000, { ...receipt, status: 'delivered' }); // no price yet
      } else {
        add('delivery.message.delivered', t + 20_000, { ...receipt, status: 'delivered', price });
      }
    };

    const enrol = (factorType: string, completes: boolean) => {
      const factorId = `${userId}-f${(factorCount += 1)}`;
      step(1);
      if (factorType === 'recovery_codes') {
        add('factors.recovery_codes.enrolled', t, { userId, factorId, factorType, recoveryCodeCount: 10 });
        active.push({ factorId, factorType });
        return;
      }
      const enrollmentId = `${factorId}-e`;
      add('factors.enrollment.started', t, { userId, factorId, enrollmentId, factorType });
      deliver(factorType, enrollmentId);
      if (!completes) {
        if (rnd.next() < 0.6) {
          step(rnd.int(5, 300));
          add('factors.factor.removed', t, { userId, factorId, factorType, reason: 'USER' });
        }
        return;
      }
      step(rnd.int(1, 30));
      const proof = { userId, challengeId: enrollmentId, factorId, factorType, purpose: 'ENROLLMENT' };
      if (rnd.next() < 0.4) {
        add('factors.challenge.failed', t, {
          ...proof,
          authenticationId: enrollmentId,
          reason: 'CODE_INVALID',
          failedAttempts: 1,
        });
      }
      add('factors.challenge.verified', t, {
        ...proof,
        authenticationId: enrollmentId,
        durationMs: String(rnd.int(5000, 90_000)),
      });
      add(`factors.${factorType}.enrolled` as EventType, t, {
        userId,
        factorId,
        factorType,
        factorName: factorType,
      });
      active.push({ factorId, factorType });
    };

    const remove = (factorId: string, reason: string) => {
      const at = active.findIndex((f) => f.factorId === factorId);
      const [factor] = active.splice(at, 1);
      if (factor)
        add('factors.factor.removed', t, { userId, factorId, factorType: factor.factorType, reason });
    };

    const challenge = (
      factor: { factorId: string; factorType: string },
      authenticationId: string,
      kind: string,
    ) => {
      const challengeId = `${authenticationId}-c`;
      const started = step(1);
      const ids = {
        userId,
        challengeId,
        factorId: factor.factorId,
        factorType: factor.factorType,
        purpose: 'AUTHENTICATION',
        authenticationId,
      };
      add('factors.challenge.started', t, { ...ids, expireTime: iso(started + 5 * MIN) });
      deliver(factor.factorType, challengeId);
      const r = rnd.next();
      const failures = r < 0.5 ? 0 : r < 0.72 ? 1 : r < 0.84 ? 2 : 3;
      for (let f = 1; f <= failures; f += 1) {
        t += rnd.int(5, 50) * 1000;
        add('factors.challenge.failed', t, { ...ids, reason: 'CODE_INVALID', failedAttempts: f });
      }
      if (failures === 3) {
        add('factors.factor.locked', t, {
          userId,
          factorId: factor.factorId,
          factorType: factor.factorType,
          failedAttempts: 3,
          lockedUntilTime: iso(t + 15 * MIN),
        });
        add('gateway.authentication.failed', t, { userId, authenticationId, reason: 'ACCOUNT_LOCKED', kind });
        return;
      }
      if (rnd.next() < 0.2) return; // abandoned: the code never comes back
      const durationMs = rnd.next() < 0.05 ? 0 : rnd.int(800, 95_000);
      t = Math.max(t, started + durationMs);
      add('factors.challenge.verified', t, {
        ...ids,
        ...(durationMs ? { durationMs: String(durationMs) } : {}),
      });
      add('gateway.authentication.succeeded', t, {
        userId,
        authenticationId,
        kind,
        amr: ['pwd', 'otp'],
        riskLevel: 'low',
      });
    };

    add('identity.user.created', t, { userId, externalId: `ext-${i}` });
    switch (i % 8) {
      case 0:
        enrol('totp', true);
        break;
      case 1:
        enrol('sms_otp', true);
        break;
      case 2:
        enrol('webauthn', false);
        break;
      case 3:
        enrol('email_otp', true);
        break;
      case 4:
        enrol('voice_otp', true);
        break;
      case 5:
        enrol('sms_otp', false);
        enrol('sms_otp', true);
        break;
      case 6:
        break;
      case 7:
        enrol('totp', true);
        enrol('webauthn', true);
        break;
    }
    if (i % 5 === 0) enrol('recovery_codes', true);

    for (let k = 0; k < 1 + (i % 4); k += 1) {
      step(rnd.int(60, 1500));
      if (t > END - 4 * HOUR) break;
      const authenticationId = `${userId}-a${k}`;
      const stepUp = rnd.next() < 0.15;
      const kind = stepUp ? 'step_up' : 'sign_in';
      const r = rnd.next();
      const decision = r < 0.2 ? 'deny' : r < 0.6 ? 'challenge' : 'allow';
      const reasonCodes =
        decision === 'allow'
          ? []
          : ['NEW_DEVICE', 'IMPOSSIBLE_TRAVEL', 'TOR_EXIT', 'IP_VELOCITY'].filter(() => rnd.next() < 0.5);
      add('risk.attempt.scored', t, {
        userId,
        attemptId: authenticationId,
        score: rnd.int(1, 100),
        level: rnd.pick(['low', 'medium', 'high', 'critical']),
        decision,
        ...(reasonCodes.length ? { reasonCodes } : {}),
        actionKind: kind,
        ...(stepUp ? { actionType: 'payment' } : {}),
      });
      if (decision === 'deny') {
        add('gateway.authentication.failed', t, { userId, authenticationId, reason: 'DENIED_BY_RISK', kind });
        continue;
      }
      const factor = active.find((f) => f.factorType !== 'recovery_codes');
      if (factor) challenge(factor, authenticationId, kind);
      else if (decision === 'allow')
        add('gateway.authentication.succeeded', t, { userId, authenticationId, kind, amr: ['pwd'] });
      else
        add('gateway.authentication.failed', t, {
          userId,
          authenticationId,
          reason: 'NO_FACTOR_ENROLLED',
          kind,
        });
    }

    step(30);
    if (i % 9 === 4) {
      add('identity.user.locked', t, { userId, reason: 'suspicious', actor: 'admin' });
      add('identity.user.unlocked', t + HOUR, { userId, actor: 'admin' });
    }
    if (i % 16 === 3 && active[0]) remove(active[0].factorId, 'USER');
    if (i % 10 === 0) {
      const old = active.find((f) => f.factorType === 'recovery_codes');
      if (old) remove(old.factorId, 'REPLACED');
      enrol('recovery_codes', true);
    }
    if (i === 15) {
      const removedCount = active.length;
      for (const f of [...active]) remove(f.factorId, 'ADMIN_RESET');
      add('factors.factors.reset', t, { userId, removedCount, reason: 'lost phone', actor: 'admin' });
    }
    // Disabled users keep their factors: they leave adoption all the same (user-21 has an SMS factor).
    if ([6, 21, 29].includes(i)) {
      add('identity.user.disabled', Math.min(t + 10 * MIN, END - MIN), {
        userId,
        reason: 'left',
        actor: 'admin',
      });
    }
  }

  // Tenant-wide events, and passwordless challenges: their start names no user (another Kafka key).
  for (const day of [1, 2, 4]) {
    add('risk.alert.raised', START + day * DAY + 3 * HOUR, {
      alertId: randomUUID(),
      kind: 'CREDENTIAL_STUFFING',
      severity: 'high',
      count: 50,
    });
  }
  for (const day of [2, 2]) {
    add('delivery.fraud.alert_raised', START + day * DAY + 5 * HOUR, {
      scope: 'PREFIX',
      key: '+4470',
      count: 30,
      windowSeconds: 600,
    });
  }
  const passwordless = START + 2 * DAY + 10 * HOUR;
  for (const [challengeId, verify] of [
    ['pwl-1', true],
    ['pwl-2', false],
  ] as const) {
    add('factors.challenge.started', passwordless, {
      challengeId,
      factorType: 'webauthn',
      purpose: 'AUTHENTICATION',
      authenticationId: `${challengeId}-a`,
      expireTime: iso(passwordless + 5 * MIN),
    });
    if (verify) {
      add('factors.challenge.verified', passwordless + 4200, {
        userId: 'user-07',
        challengeId,
        factorId: 'user-07-f2',
        factorType: 'webauthn',
        purpose: 'AUTHENTICATION',
        authenticationId: `${challengeId}-a`,
        durationMs: '4200',
      });
    }
  }
  // Started two minutes before the end of the last day, it expires three minutes into the next.
  add('factors.challenge.started', END - 2 * MIN, {
    userId: 'user-00',
    challengeId: 'late',
    factorId: 'user-00-f1',
    factorType: 'totp',
    purpose: 'AUTHENTICATION',
    authenticationId: 'late-a',
    expireTime: iso(END + 3 * MIN),
  });
  return events.sort((a, b) => a.occurredAt.getTime() - b.occurredAt.getTime());
}

/**
 * The KPIs computed straight from the events, day by day, with none of the projection's
 * machinery: what each definition in the README says, for the period [days[0], last day].
 */
function expectedKpis(
  events: readonly AuditEvent[],
  days: readonly string[],
  settings: KpiSettings,
  now: Date,
) {
  const s = (e: AuditEvent, key: string) => (typeof e.data[key] === 'string' ? e.data[key] : '');
  const first = days[0] ?? '';
  const last = days[days.length - 1] ?? '';
  const inPeriod = (e: AuditEvent) => dayOf(e) >= first && dayOf(e) <= last;
  const of = (...types: string[]) => events.filter((e) => types.includes(e.type) && inPeriod(e));
  const count = (list: AuditEvent[], filter: (e: AuditEvent) => boolean = () => true) =>
    list.filter(filter).length;
  const ratio = (a: number, b: number) => (b === 0 ? 0 : a / b);

  // Levels at the end of a day.
  const users = [...new Set(events.filter((e) => e.type === 'identity.user.created').map((e) => e.userId))];
  const firstDay = (type: string, match: (e: AuditEvent) => boolean) =>
    events
      .filter((e) => e.type === type && match(e))
      .map(dayOf)
      .sort()[0];
  const isActiveUser = (u: string | undefined, d: string) => {
    const created = firstDay('identity.user.created', (e) => e.userId === u);
    const disabled = firstDay('identity.user.disabled', (e) => e.userId === u);
    return created !== undefined && created <= d && !(disabled !== undefined && disabled <= d);
  };
  const enrolments = events.filter((e) => e.type.endsWith('.enrolled'));
  const isActiveFactor = (enrolled: AuditEvent, d: string) => {
    if (dayOf(enrolled) > d) return false;
    const removed = firstDay('factors.factor.removed', (e) => s(e, 'factorId') === s(enrolled, 'factorId'));
    const reset = events.some(
      (e) =>
        e.type === 'factors.factors.reset' &&
        e.userId === enrolled.userId &&
        dayOf(e) <= d &&
        e.occurredAt >= enrolled.occurredAt,
    );
    return !(removed !== undefined && removed <= d) && !reset;
  };
  const activeUsersAt = (d: string) => users.filter((u) => isActiveUser(u, d)).length;
  const usersWithFactorAt = (d: string) =>
    users.filter(
      (u) =>
        isActiveUser(u, d) &&
        enrolments.some(
          (f) => f.userId === u && s(f, 'factorType') !== 'recovery_codes' && isActiveFactor(f, d),
        ),
    ).length;

  const factorTypes = [...new Set(enrolments.map((f) => s(f, 'factorType')))];
  const factorMix = factorTypes
    .map((factorType) => ({
      factorType,
      active: enrolments.filter((f) => s(f, 'factorType') === factorType && isActiveFactor(f, last)).length,
    }))
    .filter((f) => f.active > 0);

  const started = of('factors.enrollment.started');
  const completed = enrolments.filter(inPeriod);
  const enrolmentFunnel = [...new Set([...started, ...completed].map((e) => s(e, 'factorType')))].map(
    (factorType) => {
      const c = count(completed, (e) => s(e, 'factorType') === factorType);
      const st =
        factorType === 'recovery_codes' ? c : count(started, (e) => s(e, 'factorType') === factorType);
      return {
        factorType,
        started: st,
        completed: c,
        dropped: Math.max(0, st - c),
        completionRate: ratio(c, st),
      };
    },
  );

  const auth = (e: AuditEvent) => s(e, 'purpose') !== 'ENROLLMENT';
  const verifiedIds = new Set(
    events.filter((e) => e.type === 'factors.challenge.verified').map((e) => s(e, 'challengeId')),
  );
  const challengeStats = (factorType: string): ChallengeKpis => {
    const match = (e: AuditEvent) => auth(e) && (factorType === '' || s(e, 'factorType') === factorType);
    const starts = of('factors.challenge.started').filter(match);
    const verified = of('factors.challenge.verified').filter(match);
    const failed = count(of('factors.challenge.failed'), match);
    const abandoned = count(
      starts,
      (e) => !verifiedIds.has(s(e, 'challengeId')) && new Date(s(e, 'expireTime')).getTime() < now.getTime(),
    );
    const durations = verified.map((e) => Number(s(e, 'durationMs') || '0')).sort((a, b) => a - b);
    const nearestRank = (p: number) => durations[Math.max(1, Math.ceil(p * durations.length)) - 1] ?? 0;
    // The histogram answers the bucket of the true nearest-rank value (bucketing keeps order).
    const estimate = (p: number) => (durations.length ? bucketValue(bucketOf(nearestRank(p))) : 0);
    for (const p of [0.5, 0.9]) {
      expect(Math.abs(estimate(p) - nearestRank(p))).toBeLessThanOrEqual(
        nearestRank(p) * PERCENTILE_RELATIVE_ERROR + 0.5,
      );
    }
    return {
      factorType,
      started: starts.length,
      verified: verified.length,
      failed,
      abandoned,
      successRate: ratio(verified.length, verified.length + failed),
      abandonmentRate: ratio(abandoned, starts.length),
      medianTimeToVerifyMs: estimate(0.5),
      p90TimeToVerifyMs: estimate(0.9),
      meanTimeToVerifyMs: Math.round(
        ratio(
          durations.reduce((a, b) => a + b, 0),
          durations.length,
        ),
      ),
    };
  };
  const challengeTypes = [
    ...new Set(
      of('factors.challenge.started', 'factors.challenge.verified', 'factors.challenge.failed')
        .filter(auth)
        .map((e) => s(e, 'factorType')),
    ),
  ];

  // Money in whole 1/100000ths, then printed: an independent exact sum.
  const units = (price: string) => Math.round(Math.abs(Number(price)) * 100_000);
  const money = (n: number) => {
    const text = String(n).padStart(6, '0');
    const fraction = text.slice(-5).replace(/0+$/, '');
    const whole = text.slice(0, -5).replace(/^0+(?=\d)/, '');
    return fraction ? `${whole}.${fraction}` : whole;
  };
  const receipts = of('delivery.message.delivered', 'delivery.message.undelivered').filter((e) =>
    s(e, 'price'),
  );
  const spendOf = (filter: (e: AuditEvent) => boolean) =>
    receipts.filter(filter).reduce((n, e) => n + units(s(e, 'price')), 0);
  const deliveryEvents = of(
    'delivery.message.sent',
    'delivery.message.delivered',
    'delivery.message.undelivered',
    'delivery.message.failed',
    'delivery.message.refused',
  );
  const delivery: DeliveryKpis[] = [];
  for (const channel of [...new Set(deliveryEvents.map((e) => s(e, 'channel')))]) {
    const on = (type: string) => count(deliveryEvents, (e) => e.type === type && s(e, 'channel') === channel);
    const currencies = [
      ...new Set(receipts.filter((e) => s(e, 'channel') === channel).map((e) => s(e, 'priceUnit'))),
    ].sort((a, b) => Number(b === settings.currency) - Number(a === settings.currency) || a.localeCompare(b));
    const spend = (currency: string | undefined) =>
      money(spendOf((e) => s(e, 'channel') === channel && s(e, 'priceUnit') === currency));
    const sent = on('delivery.message.sent');
    const delivered = on('delivery.message.delivered');
    delivery.push({
      channel,
      sent,
      delivered,
      failed: on('delivery.message.failed') + on('delivery.message.undelivered'),
      refused: on('delivery.message.refused'),
      successRate: ratio(delivered, sent),
      spend: currencies[0] ? spend(currencies[0]) : '0',
      spendCurrency: currencies[0] ?? settings.currency,
    });
    for (const currency of currencies.slice(1)) {
      delivery.push({
        channel,
        sent: 0,
        delivered: 0,
        failed: 0,
        refused: 0,
        successRate: 0,
        spend: spend(currency),
        spendCurrency: currency,
      });
    }
  }

  const scored = of('risk.attempt.scored');
  const decisions = new Map<string, number>();
  const reasons = new Map<string, number>();
  for (const e of scored) {
    const key = `${s(e, 'level')}|${s(e, 'decision')}`;
    decisions.set(key, (decisions.get(key) ?? 0) + 1);
    for (const r of (e.data['reasonCodes'] as string[] | undefined) ?? [])
      reasons.set(r, (reasons.get(r) ?? 0) + 1);
  }
  const deniedSignIns = count(scored, (e) => s(e, 'decision') === 'deny' && s(e, 'actionKind') === 'sign_in');
  const factorLockouts = of('factors.factor.locked').length;
  const preventedTakeovers = deniedSignIns + factorLockouts;
  const spendUnits = spendOf((e) => s(e, 'priceUnit') === settings.currency);
  const lossUnits = Math.round(Number(settings.lossValuePerTakeover) * 100_000) * preventedTakeovers;

  const signIn = (e: AuditEvent) => s(e, 'kind') !== 'step_up';
  const daily = days.map((date) => {
    const on = (...types: string[]) => events.filter((e) => types.includes(e.type) && dayOf(e) === date);
    return {
      date,
      signInsSucceeded: on('gateway.authentication.succeeded').filter(signIn).length,
      signInsFailed: on('gateway.authentication.failed').filter(signIn).length,
      challengesStarted: on('factors.challenge.started').filter(auth).length,
      challengesVerified: on('factors.challenge.verified').filter(auth).length,
      lockouts: on('identity.user.locked', 'factors.factor.locked').length,
      alerts: on('risk.alert.raised', 'delivery.fraud.alert_raised').length,
      usersWithFactor: usersWithFactorAt(date),
      activeUsers: activeUsersAt(date),
      spend: money(spendOf((e) => dayOf(e) === date && s(e, 'priceUnit') === settings.currency)),
    };
  });

  return {
    adoption: {
      activeUsers: activeUsersAt(last),
      usersWithFactor: usersWithFactorAt(last),
      rate: ratio(usersWithFactorAt(last), activeUsersAt(last)),
    },
    factorMix,
    enrolmentFunnel,
    challenges: challengeStats(''),
    challengesByFactor: challengeTypes.map(challengeStats),
    delivery,
    riskDecisions: [...decisions].map(([key, n]) => {
      const [level = '', decision = ''] = key.split('|');
      return { level, decision, count: n };
    }),
    riskReasons: [...reasons].map(([reasonCode, n]) => ({ reasonCode, count: n })),
    userLockouts: of('identity.user.locked').length,
    factorLockouts,
    alerts: of('risk.alert.raised', 'delivery.fraud.alert_raised').length,
    roi: {
      currency: settings.currency,
      messagingSpend: money(spendUnits),
      preventedTakeovers,
      lossValuePerTakeover: settings.lossValuePerTakeover,
      estimatedLossPrevented: money(lossUnits),
      roi: spendUnits === 0 ? 0 : (lossUnits - spendUnits) / spendUnits,
    },
    daily,
  };
}

/** Lists in a canonical order and ratios rounded, so reports compare field by field. */
function canonical(k: Omit<MfaKpiReport, 'tenantId' | 'from' | 'to'>) {
  const r = (x: number) => Math.round(x * 1e9) / 1e9;
  const by =
    <T>(key: (t: T) => string) =>
    (a: T, b: T) =>
      key(a).localeCompare(key(b));
  const challenge = (c: ChallengeKpis) => ({
    ...c,
    successRate: r(c.successRate),
    abandonmentRate: r(c.abandonmentRate),
  });
  return {
    adoption: { ...k.adoption, rate: r(k.adoption.rate) },
    factorMix: [...k.factorMix].sort(by((f) => f.factorType)),
    enrolmentFunnel: [...k.enrolmentFunnel]
      .sort(by((f) => f.factorType))
      .map((f) => ({ ...f, completionRate: r(f.completionRate) })),
    challenges: challenge(k.challenges),
    challengesByFactor: [...k.challengesByFactor].sort(by((c) => c.factorType)).map(challenge),
    delivery: [...k.delivery]
      .sort(by((d) => `${d.channel}|${d.spendCurrency}`))
      .map((d) => ({ ...d, successRate: r(d.successRate) })),
    riskDecisions: [...k.riskDecisions].sort(by((d) => `${d.level}|${d.decision}`)),
    riskReasons: [...k.riskReasons].sort(by((d) => d.reasonCode)),
    userLockouts: k.userLockouts,
    factorLockouts: k.factorLockouts,
    alerts: k.alerts,
    roi: { ...k.roi, roi: r(k.roi.roi) },
    daily: k.daily,
  };
}

/** Events regrouped as Kafka delivers them: in order per topic and key, streams interleaved at random. */
function interleaved(events: readonly AuditEvent[], seed: number): AuditEvent[] {
  const rnd = prng(seed);
  const streams = new Map<string, AuditEvent[]>();
  for (const e of events) {
    const key = `${e.source}|${e.userId ?? ''}`;
    streams.set(key, [...(streams.get(key) ?? []), e]);
  }
  const queues = [...streams.values()];
  const out: AuditEvent[] = [];
  while (queues.length > 0) {
    const i = Math.floor(rnd.next() * queues.length);
    const queue = queues[i];
    out.push(queue.shift() as AuditEvent);
    if (queue.length === 0) queues.splice(i, 1);
  }
  return out;
}

function batches<T>(items: readonly T[], sizes: () => number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length;) {
    const size = sizes();
    out.push(items.slice(i, i + size));
    i += size;
  }
  return out;
}

const retenant = (events: readonly AuditEvent[], tenantId: string) =>
  events.map((e) => ({ ...e, tenantId, eventId: randomUUID() }));

/** The projection, the read model and the use-cases against a real, freshly migrated PostgreSQL. */
describe('audit KPIs', () => {
  const infra = testInfrastructure();
  const database = uniqueDatabaseName('auditkpi');
  const settings = { serverUrl: infra.databaseUrl, database, entities: [], migrations: AUDIT_MIGRATIONS };
  const projection = new SqlKpiProjection();
  let dataSource: DataSource;
  const events = history('template');
  const period = { from: new Date(START), to: new Date(END) };
  /** The last challenge (started 23:58 on the last day) has not expired yet at midnight. */
  const now = new Date(END);
  const kpisOf = (tenantId: string, at = now, range: { from?: Date; to?: Date } = period) =>
    new GetMfaKpisUseCase(new SqlKpiReadModel(dataSource), new SqlKpiSettings(dataSource), {
      now: () => at,
    }).execute({
      tenantId,
      ...range,
    });
  const apply = (batch: readonly AuditEvent[]) => dataSource.transaction((m) => projection.apply(m, batch));
  const defaults: KpiSettings = { lossValuePerTakeover: '0', currency: 'USD' };
  const days = resolvePeriod(period, now).days;

  beforeAll(async () => {
    await migrateDatabase(settings);
    dataSource = createDataSource(settings);
    await dataSource.initialize();
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await dropDatabases(infra.databaseUrl, [database]);
  });

  it('builds a history that exercises every KPI', () => {
    const e = expectedKpis(events, days, defaults, now);
    expect(events.length).toBeGreaterThan(400);
    expect(e.adoption.activeUsers).toBeGreaterThan(30);
    expect(e.adoption.usersWithFactor).toBeGreaterThan(10);
    expect(e.adoption.usersWithFactor).toBeLessThan(e.adoption.activeUsers);
    expect(e.enrolmentFunnel.some((f) => f.dropped > 0)).toBe(true);
    expect(e.challenges).toEqual(
      expect.objectContaining({
        verified: expect.any(Number),
        failed: expect.any(Number),
        abandoned: expect.any(Number),
      }),
    );
    expect(Math.min(e.challenges.verified, e.challenges.failed, e.challenges.abandoned)).toBeGreaterThan(2);
    expect(e.factorLockouts).toBeGreaterThan(0);
    expect(e.userLockouts).toBeGreaterThan(0);
    expect([...new Set(e.delivery.map((d) => d.channel))].sort()).toEqual(['email', 'sms', 'voice']);
    expect(e.delivery.find((d) => d.spendCurrency === 'EUR')).toBeDefined();
    expect(e.delivery.every((d) => d.channel === 'email' || d.spend !== '0')).toBe(true);
    expect(e.roi.preventedTakeovers).toBeGreaterThan(e.factorLockouts);
    const disabledWithFactor = events.filter(
      (d) =>
        d.type === 'identity.user.disabled' &&
        events.some((f) => f.type === 'factors.sms_otp.enrolled' && f.userId === d.userId),
    );
    expect(disabledWithFactor.length).toBeGreaterThan(0);
    expect(e.daily.map((d) => d.activeUsers)).toEqual(
      [...e.daily.map((d) => d.activeUsers)].sort((a, b) => a - b),
    );
  });

  it('answers every KPI exactly after batches applied in order', async () => {
    const tenantId = randomUUID();
    for (const batch of batches(retenant(events, tenantId), () => 50)) await apply(batch);
    const kpis = await kpisOf(tenantId);
    expect(kpis.tenantId).toBe(tenantId);
    expect(kpis.from).toEqual(period.from);
    expect(kpis.to).toEqual(period.to);
    expect(canonical(kpis)).toEqual(canonical(expectedKpis(events, days, defaults, now)));
  });

  it('answers the same when topics interleave at random, in batches of random size', async () => {
    for (const seed of [1, 2]) {
      const tenantId = randomUUID();
      const rnd = prng(seed);
      const order = interleaved(retenant(events, tenantId), seed);
      expect(order.map((e) => e.occurredAt.getTime())).not.toEqual(
        [...order].map((e) => e.occurredAt.getTime()).sort((a, b) => a - b),
      );
      for (const batch of batches(order, () => rnd.int(1, 120))) await apply(batch);
      expect(canonical(await kpisOf(tenantId))).toEqual(canonical(expectedKpis(events, days, defaults, now)));
    }
  });

  it('does not count a challenge verified before its start was recorded as abandoned', async () => {
    // A passwordless start names no user, so it travels under another Kafka key than its verification.
    const tenantId = randomUUID();
    const all = retenant(events, tenantId);
    const early = all.filter(
      (e) => e.type === 'factors.challenge.verified' && e.data['challengeId'] === 'pwl-1',
    );
    expect(early).toHaveLength(1);
    await apply(early);
    for (const batch of batches(
      all.filter((e) => !early.includes(e)),
      () => 40,
    )) {
      await apply(batch);
    }
    const kpis = await kpisOf(tenantId, new Date(END + DAY));
    expect(canonical(kpis)).toEqual(canonical(expectedKpis(events, days, defaults, new Date(END + DAY))));
    expect(kpis.challengesByFactor.find((c) => c.factorType === 'webauthn')).toMatchObject({
      started: 2,
      verified: 1,
      abandoned: 1,
    });
  });

  it('counts nothing of a batch whose transaction rolled back', async () => {
    const tenantId = randomUUID();
    const all = batches(retenant(events, tenantId), () => 75);
    for (const [i, batch] of all.entries()) {
      if (i % 2 === 1) {
        // The consumer's transaction fails after the projection ran (a later step threw)...
        await expect(
          dataSource.transaction(async (m) => {
            await projection.apply(m, batch);
            throw new Error('appending the analysts’ records failed');
          }),
        ).rejects.toThrow('analysts');
      }
      // ...and the batch is applied again on redelivery.
      await apply(batch);
    }
    expect(canonical(await kpisOf(tenantId))).toEqual(canonical(expectedKpis(events, days, defaults, now)));
  });

  it('counts a challenge as abandoned only once it has expired, at query time', async () => {
    const tenantId = randomUUID();
    await apply(retenant(events, tenantId));
    const atMidnight = await kpisOf(tenantId, now);
    const later = new Date(END + HOUR);
    const afterExpiry = await kpisOf(tenantId, later);
    expect(afterExpiry.challenges.abandoned).toBe(atMidnight.challenges.abandoned + 1);
    expect(canonical(afterExpiry)).toEqual(canonical(expectedKpis(events, days, defaults, later)));
  });

  it('answers a part of the history, with levels carried in from the days before', async () => {
    const tenantId = randomUUID();
    for (const batch of batches(retenant(events, tenantId), () => 200)) await apply(batch);
    const part = { from: new Date(START + 2 * DAY), to: new Date(START + 4 * DAY) };
    const kpis = await kpisOf(tenantId, now, part);
    expect(kpis.daily.map((d) => d.date)).toEqual(['2025-01-03', '2025-01-04']);
    expect(canonical(kpis)).toEqual(
      canonical(expectedKpis(events, ['2025-01-03', '2025-01-04'], defaults, now)),
    );
    expect(kpis.daily[0]?.activeUsers).toBeGreaterThan(0);
  });

  it('prices the ROI with the tenant settings, and refuses bad settings and periods', async () => {
    const tenantId = randomUUID();
    await apply(retenant(events, tenantId));
    const store = new SqlKpiSettings(dataSource);
    const set = new SetKpiSettingsUseCase(store);
    expect(await set.execute({ tenantId, lossValuePerTakeover: '1500.25', currency: 'USD' })).toEqual({
      lossValuePerTakeover: '1500.25',
      currency: 'USD',
    });
    await expect(
      set.execute({ tenantId, lossValuePerTakeover: '1.00001', currency: 'USD' }),
    ).rejects.toMatchObject({
      kind: 'INVALID_ARGUMENT',
      code: 'KPI_SETTINGS_INVALID',
    });
    await expect(
      set.execute({ tenantId, lossValuePerTakeover: '10', currency: 'usd' }),
    ).rejects.toMatchObject({
      code: 'KPI_SETTINGS_INVALID',
    });
    expect(await store.get(tenantId)).toEqual({ lossValuePerTakeover: '1500.25', currency: 'USD' });
    const usd = await kpisOf(tenantId);
    const expectedUsd = expectedKpis(events, days, { lossValuePerTakeover: '1500.25', currency: 'USD' }, now);
    expect(canonical(usd)).toEqual(canonical(expectedUsd));
    expect(usd.roi.roi).toBeGreaterThan(1000);

    await set.execute({ tenantId, lossValuePerTakeover: '99.9', currency: 'EUR' });
    const eur = await kpisOf(tenantId);
    expect(canonical(eur)).toEqual(
      canonical(expectedKpis(events, days, { lossValuePerTakeover: '99.9', currency: 'EUR' }, now)),
    );
    expect(eur.roi.messagingSpend).not.toBe(usd.roi.messagingSpend);

    for (const range of [
      { from: new Date(END), to: new Date(START) },
      { from: new Date(START), to: new Date(START) },
      { from: new Date(START - 401 * DAY), to: new Date(START) },
    ]) {
      await expect(kpisOf(tenantId, now, range)).rejects.toMatchObject({
        kind: 'INVALID_ARGUMENT',
        code: 'KPI_PERIOD_INVALID',
      });
    }
  });

  it('applies a batch of a thousand events in a handful of statements', async () => {
    const tenantId = randomUUID();
    const thousand = [...retenant(events, tenantId), ...retenant(events, randomUUID())].slice(0, 1000);
    let statements = 0;
    await dataSource.transaction(async (manager) => {
      const counting = new Proxy(manager, {
        get: (target, property, receiver) =>
          property === 'query'
            ? (sql: string, parameters?: unknown[]) => {
                statements += 1;
                return target.query(sql, parameters);
              }
            : (Reflect.get(target, property, receiver) as unknown),
      });
      await projection.apply(counting, thousand);
    });
    expect(thousand).toHaveLength(1000);
    expect(statements).toBeLessThanOrEqual(10);
  });
});

/** Through the service: events published to Kafka, recorded by the ingest path, KPIs over gRPC. */
describe('audit KPIs through Kafka and gRPC', () => {
  const infra = testInfrastructure();
  const database = uniqueDatabaseName('auditkpisvc');
  let service: RunningService;
  let client: GrpcPeer<auditV1.AuditServiceClient>;

  beforeAll(async () => {
    const port = await freePort();
    const config = loadAuditConfig({
      DATABASE_URL: infra.databaseUrl,
      DATABASE_NAME: database,
      KAFKA_BROKERS: infra.kafkaBrokers.join(','),
      AUDIT_CONSUMER_GROUP: `audit-kpi-it-${uniqueSuffix()}`,
      GRPC_PORT: String(port),
      OTEL_ENABLED: 'false',
    });
    const logger = createLogger({ service: 'audit', level: 'silent' });
    service = await startGrpcService(AuditModule.register(config, logger), {
      logger,
      server: { host: '127.0.0.1', port, protoPaths: [PROTO_FILES.audit], packages: [PROTO_PACKAGES.audit] },
    });
    client = new GrpcPeer({
      url: `127.0.0.1:${port}`,
      protoPath: PROTO_FILES.audit,
      packageName: PROTO_PACKAGES.audit,
      serviceName: auditV1.AUDIT_SERVICE_NAME,
      deadlineMs: 10_000,
    });
  });

  afterAll(async () => {
    client?.close();
    await service?.close();
    await dropDatabases(infra.databaseUrl, [database]);
  });

  async function publish(
    tenantId: string,
    type: EventType,
    payload: Record<string, unknown>,
    at = new Date(),
  ) {
    const definition = EVENT_CATALOGUE[type];
    const message = definition.codec.fromJSON({ ...payload, tenantId }) as never;
    const userId = typeof payload['userId'] === 'string' ? payload['userId'] : '';
    await publishRaw(infra.kafkaBrokers, definition.topic, [
      {
        key: userId ? `${tenantId}:${userId}` : tenantId,
        value: Buffer.from(definition.codec.encode(message).finish()),
        headers: {
          [EVENT_HEADERS.id]: randomUUID(),
          [EVENT_HEADERS.type]: type,
          [EVENT_HEADERS.tenantId]: tenantId,
          [EVENT_HEADERS.occurredAt]: at.toISOString(),
        },
      },
    ]);
  }

  it('counts published events and serves the KPIs and settings', async () => {
    const tenantId = randomUUID();
    const userId = randomUUID();
    const challengeId = randomUUID();
    const factorId = randomUUID();
    await publish(tenantId, 'identity.user.created', { userId, externalId: 'ext' });
    await publish(tenantId, 'factors.totp.enrolled', { userId, factorId, factorType: 'totp' });
    const ids = { userId, challengeId, factorId, factorType: 'totp', purpose: 'AUTHENTICATION' };
    await publish(tenantId, 'factors.challenge.started', {
      ...ids,
      expireTime: new Date(Date.now() + 5 * MIN).toISOString(),
    });
    await publish(tenantId, 'factors.challenge.verified', { ...ids, durationMs: '2000' });
    await publish(tenantId, 'risk.attempt.scored', {
      userId,
      level: 'critical',
      decision: 'deny',
      actionKind: 'sign_in',
      reasonCodes: ['TOR_EXIT'],
    });

    const settings = await client.call('setKpiSettings', {
      tenantId,
      settings: { lossValuePerTakeover: '2500.00', currency: 'USD' },
    });
    expect(settings.settings).toEqual({ lossValuePerTakeover: '2500', currency: 'USD' });
    await expect(
      client.call('setKpiSettings', { tenantId, settings: { lossValuePerTakeover: '-1', currency: 'USD' } }),
    ).rejects.toMatchObject({ kind: 'INVALID_ARGUMENT', code: 'VALIDATION_FAILED' });
    expect((await client.call('getKpiSettings', { tenantId })).settings).toEqual(settings.settings);

    const kpis = await eventually(async () => {
      const response = await client.call('getMfaKpis', { tenantId, fromTime: undefined, toTime: undefined });
      expect(response.kpis?.roi?.preventedTakeovers).toBe('1');
      expect(response.kpis?.challenges?.verified).toBe('1');
      expect(response.kpis?.adoption?.usersWithFactor).toBe('1');
      return response.kpis;
    });
    expect(kpis?.adoption).toEqual({ activeUsers: '1', usersWithFactor: '1', rate: 1 });
    expect(kpis?.factorMix).toEqual([{ factorType: 'totp', active: '1' }]);
    expect(kpis?.challenges).toMatchObject({
      started: '1',
      verified: '1',
      failed: '0',
      abandoned: '0',
      successRate: 1,
    });
    expect(kpis?.roi).toMatchObject({
      preventedTakeovers: '1',
      lossValuePerTakeover: '2500',
      estimatedLossPrevented: '2500',
      roi: 0,
    });
    expect(kpis?.riskReasons).toEqual([{ reasonCode: 'TOR_EXIT', count: '1' }]);
    expect(kpis?.daily).toHaveLength(30);

    await expect(
      client.call('getMfaKpis', {
        tenantId,
        fromTime: toTimestamp(new Date()),
        toTime: toTimestamp(new Date(Date.now() - DAY)),
      }),
    ).rejects.toMatchObject({ kind: 'INVALID_ARGUMENT', code: 'KPI_PERIOD_INVALID' });
  });
});
