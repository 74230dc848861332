import type { CounterDelta } from './kpi-metrics';
import { type FactorState, projectSubjects, type SubjectChange, type UserState } from './subject-state';

const T = 'tenant';
const at = (day: number, hour = 12) => new Date(Date.UTC(2025, 0, day, hour));
const created = (userId: string, day: number): SubjectChange => ({
  kind: 'user-created',
  tenantId: T,
  userId,
  at: at(day),
});
const disabled = (userId: string, day: number): SubjectChange => ({
  kind: 'user-disabled',
  tenantId: T,
  userId,
  at: at(day),
});
const enrolled = (userId: string, factorId: string, factorType: string, day: number): SubjectChange => ({
  kind: 'factor-enrolled',
  tenantId: T,
  userId,
  factorId,
  factorType,
  at: at(day),
});
const removed = (userId: string, factorId: string, factorType: string, day: number): SubjectChange => ({
  kind: 'factor-removed',
  tenantId: T,
  userId,
  factorId,
  factorType,
  at: at(day),
});
const reset = (userId: string, day: number): SubjectChange => ({
  kind: 'factors-reset',
  tenantId: T,
  userId,
  at: at(day),
});

/** Applies batches one after the other, carrying the state as the tables would. */
function run(batches: readonly (readonly SubjectChange[])[]) {
  const users = new Map<string, UserState>();
  const factors = new Map<string, FactorState>();
  const totals = new Map<string, number>();
  for (const batch of batches) {
    const names = new Set(batch.map((c) => c.userId));
    const result = projectSubjects(
      [...users.values()].filter((u) => names.has(u.userId)),
      [...factors.values()].filter((f) => names.has(f.userId)),
      batch,
    );
    for (const u of result.changedUsers) users.set(u.userId, u);
    for (const f of result.changedFactors) factors.set(f.factorId, f);
    for (const d of result.deltas) {
      const key = `${d.metric}|${d.dim1}|${d.day}`;
      totals.set(key, (totals.get(key) ?? 0) + d.value);
    }
  }
  return new Map([...totals].filter(([, v]) => v !== 0));
}

/** The level of a metric at the end of a day, from the deltas. */
const levelAt = (totals: Map<string, number>, metric: string, day: string, dim1?: string) =>
  [...totals]
    .filter(([k]) => {
      const [m, d1, d] = k.split('|');
      return m === metric && (dim1 === undefined || d1 === dim1) && (d ?? '') <= day;
    })
    .reduce((n, [, v]) => n + v, 0);

const day = (n: number) => `2025-01-${String(n).padStart(2, '0')}`;

/** A small deterministic shuffle (Mulberry32), so a failure can be replayed. */
function shuffled<T>(items: readonly T[], seed: number): T[] {
  let s = seed;
  const random = () => {
    s = (s + 0x6d2b79f5) | 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const out = [...items];
  for (let i = out.length - 1; i > 0; i -= 1) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

describe('projectSubjects', () => {
  it('counts a user with a factor from its enrolment until its removal', () => {
    const totals = run([[created('u', 1), enrolled('u', 'f', 'totp', 2), removed('u', 'f', 'totp', 4)]]);
    expect(levelAt(totals, 'users.active', day(1))).toBe(1);
    expect(levelAt(totals, 'users.with_factor', day(1))).toBe(0);
    expect(levelAt(totals, 'users.with_factor', day(3))).toBe(1);
    expect(levelAt(totals, 'users.with_factor', day(4))).toBe(0);
    expect(levelAt(totals, 'factors.active', day(3), 'totp')).toBe(1);
    expect(levelAt(totals, 'factors.active', day(4), 'totp')).toBe(0);
  });

  it('ignores the removal of an enrolment that never completed', () => {
    const totals = run([[created('u', 1), removed('u', 'pending', 'sms_otp', 2)]]);
    expect([...totals.keys()].filter((k) => !k.startsWith('users.active'))).toEqual([]);
  });

  it('counts recovery codes in the factor mix but not towards adoption', () => {
    const totals = run([[created('u', 1), enrolled('u', 'r', 'recovery_codes', 1)]]);
    expect(levelAt(totals, 'factors.active', day(9), 'recovery_codes')).toBe(1);
    expect(levelAt(totals, 'users.with_factor', day(9))).toBe(0);
  });

  it('counts a user with two factors once, until the last one goes', () => {
    const totals = run([
      [
        created('u', 1),
        enrolled('u', 'a', 'totp', 2),
        enrolled('u', 'b', 'webauthn', 3),
        removed('u', 'a', 'totp', 4),
        removed('u', 'b', 'webauthn', 6),
      ],
    ]);
    expect([2, 3, 4, 5, 6].map((d) => levelAt(totals, 'users.with_factor', day(d)))).toEqual([1, 1, 1, 1, 0]);
  });

  it('stops counting a disabled user, whatever their factors', () => {
    const totals = run([[created('u', 1), enrolled('u', 'a', 'totp', 1), disabled('u', 3)]]);
    expect(levelAt(totals, 'users.with_factor', day(2))).toBe(1);
    expect(levelAt(totals, 'users.with_factor', day(3))).toBe(0);
    expect(levelAt(totals, 'users.active', day(3))).toBe(0);
    expect(levelAt(totals, 'factors.active', day(3), 'totp')).toBe(1);
  });

  it('counts adoption from the creation day when the factor was recorded first', () => {
    const totals = run([[enrolled('u', 'a', 'totp', 2)], [created('u', 3)]]);
    expect(levelAt(totals, 'users.with_factor', day(2))).toBe(0);
    expect(levelAt(totals, 'users.with_factor', day(3))).toBe(1);
  });

  it('removes every active factor on an admin reset', () => {
    const totals = run([
      [created('u', 1), enrolled('u', 'a', 'totp', 1), enrolled('u', 'b', 'sms_otp', 1)],
      [reset('u', 2)],
    ]);
    expect(levelAt(totals, 'users.with_factor', day(2))).toBe(0);
    expect(levelAt(totals, 'factors.active', day(2))).toBe(0);
  });

  it('gives the same levels whatever the order and batching of the changes', () => {
    const changes = [
      created('a', 1),
      enrolled('a', 'a1', 'totp', 1),
      enrolled('a', 'a2', 'recovery_codes', 2),
      removed('a', 'a1', 'totp', 3),
      enrolled('a', 'a3', 'webauthn', 3),
      created('b', 2),
      removed('b', 'b0', 'sms_otp', 2),
      enrolled('b', 'b1', 'sms_otp', 2),
      disabled('b', 4),
      created('c', 1),
      enrolled('c', 'c1', 'email_otp', 1),
      removed('c', 'c1', 'email_otp', 1),
      enrolled('c', 'c2', 'voice_otp', 5),
    ];
    const expected = run([changes]);
    expect(levelAt(expected, 'users.with_factor', day(3))).toBe(2);
    expect(levelAt(expected, 'users.with_factor', day(5))).toBe(2);
    for (let seed = 1; seed <= 50; seed += 1) {
      const order = shuffled(changes, seed);
      const cut = 1 + (seed % (order.length - 1));
      const batches = [order.slice(0, cut), ...order.slice(cut).map((c) => [c])];
      expect(run(batches)).toEqual(expected);
    }
  });

  it('writes only what changed, and no deltas when nothing does', () => {
    const first = projectSubjects([], [], [created('u', 1)]);
    expect(first.changedUsers).toHaveLength(1);
    const again = projectSubjects(first.changedUsers, [], [created('u', 2)]);
    expect(again.deltas).toEqual<CounterDelta[]>([]);
    expect(again.changedUsers[0]?.createdAt).toEqual(at(1));
  });
});
