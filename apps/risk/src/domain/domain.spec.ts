import { failureWaves } from './alerts';
import { deviceKey, emptyProfile, PROFILE_ENTRY_LIMIT, withSignIn } from './profile';
import { compareDecimal, DEFAULT_RISK_POLICY, effectiveSignals, signalWeights } from './risk-policy';
import { SIGNAL_CODES } from './signals';
import { canonicalIp, DEFAULT_VELOCITY_THRESHOLDS, NO_VELOCITY, subnetOf } from './velocity';

describe('profiles', () => {
  const day = 86_400_000;
  const t0 = new Date('2026-01-01T10:00:00Z');

  it('learns devices (as digests), countries, networks, hours and the last place', () => {
    const p = withSignIn(
      emptyProfile('t', 'u'),
      { at: t0, deviceId: 'dev-1', country: 'GB', asn: 2856, latitude: 51.5, longitude: -0.1 },
      180 * day,
    );
    expect(Object.keys(p.devices)).toEqual([deviceKey('dev-1')]);
    expect(JSON.stringify(p)).not.toContain('dev-1');
    expect(Object.keys(p.countries)).toEqual(['GB']);
    expect(Object.keys(p.networks)).toEqual(['2856']);
    expect(p.hours[10]).toBe(1);
    expect(p.signIns).toBe(1);
    expect(p.lastSignIn).toMatchObject({ at: t0, country: 'GB', latitude: 51.5 });
  });

  it('forgets entries older than the retention and keeps at most the limit', () => {
    let p = withSignIn(emptyProfile('t', 'u'), { at: t0, deviceId: 'old', country: 'FR' }, 30 * day);
    p = withSignIn(p, { at: new Date(t0.getTime() + 31 * day), deviceId: 'new', country: 'GB' }, 30 * day);
    expect(Object.keys(p.devices)).toEqual([deviceKey('new')]);
    expect(Object.keys(p.countries)).toEqual(['GB']);
    for (let i = 0; i < PROFILE_ENTRY_LIMIT + 10; i += 1) {
      p = withSignIn(p, { at: new Date(t0.getTime() + 32 * day + i * 1000), deviceId: `d${i}` }, 30 * day);
    }
    expect(Object.keys(p.devices)).toHaveLength(PROFILE_ENTRY_LIMIT);
    expect(deviceKey(`d${PROFILE_ENTRY_LIMIT + 9}`) in p.devices).toBe(true);
  });

  it('never moves the last sign-in backwards for a late event', () => {
    const recent = withSignIn(emptyProfile('t', 'u'), { at: t0, country: 'GB', latitude: 51 }, day * 30);
    const late = withSignIn(
      recent,
      { at: new Date(t0.getTime() - 3_600_000), country: 'AU', latitude: -33 },
      day * 30,
    );
    expect(late.lastSignIn).toMatchObject({ at: t0, country: 'GB' });
    expect(late.signIns).toBe(2);
  });
});

describe('policy', () => {
  it('compares decimal amounts exactly', () => {
    expect(compareDecimal('500', '500.00')).toBe(0);
    expect(compareDecimal('499.99', '500')).toBe(-1);
    expect(compareDecimal('1000', '999.999')).toBe(1);
    expect(compareDecimal('0012.5', '12.49')).toBe(1);
    expect(compareDecimal('10000000000000.01', '10000000000000.1')).toBe(-1);
  });

  it('lists every signal with its default weight, and drops disabled ones from the weights', () => {
    expect(effectiveSignals(DEFAULT_RISK_POLICY).map((s) => s.code)).toEqual(SIGNAL_CODES);
    const weights = signalWeights({
      ...DEFAULT_RISK_POLICY,
      signals: [{ code: 'UNUSUAL_HOUR', enabled: false, weight: 10 }],
    });
    expect(weights.has('UNUSUAL_HOUR')).toBe(false);
    expect(weights.get('IP_BLOCKLISTED')).toBe(70);
  });
});

describe('velocity keys', () => {
  it('groups IPv4 by /24 and IPv6 by /48, IPv4-mapped IPv6 as IPv4', () => {
    expect(subnetOf('203.0.113.77')).toBe('203.0.113.0/24');
    expect(subnetOf('::ffff:203.0.113.77')).toBe('203.0.113.0/24');
    expect(subnetOf('2001:db8:abcd:12::1')).toBe('2001:db8:abcd::/48');
    expect(canonicalIp('::ffff:203.0.113.77')).toBe('203.0.113.77');
    expect(canonicalIp('2001:DB8::0001')).toBe('2001:db8::1');
  });
});

describe('alert waves', () => {
  const failure = {
    tenantId: 't',
    attemptId: 'a',
    kind: 'password' as const,
    userId: 'u-1',
    ip: '100.64.0.1',
    subnet: '100.64.0.0/24',
    at: new Date(),
  };
  const t = DEFAULT_VELOCITY_THRESHOLDS;

  it('names the wave a failure completes: stuffing by IP, spraying by user, spikes by tenant', () => {
    expect(failureWaves(failure, NO_VELOCITY, t)).toEqual([]);
    const waves = failureWaves(
      failure,
      { ...NO_VELOCITY, ipUsers: t.ipUsers, userIps: t.userIps, tenantFailures: t.tenantFailures },
      t,
    );
    expect(waves.map((w) => [w.kind, w.subject, w.severity])).toEqual([
      ['CREDENTIAL_STUFFING', '100.64.0.1', 'high'],
      ['PASSWORD_SPRAY', 'u-1', 'high'],
      ['FAILURE_SPIKE', 'tenant', 'medium'],
    ]);
  });

  it('has no IP or user wave for a failure that carries neither', () => {
    const anonymous = { ...failure, ip: undefined, userId: undefined };
    expect(
      failureWaves(anonymous, { ...NO_VELOCITY, ipUsers: 99, userIps: 99 }, t).map((w) => w.kind),
    ).toEqual([]);
  });
});
