import type { AttemptContext } from '../domain/assessment';
import { emptyProfile, type UserProfile, withSignIn } from '../domain/profile';
import { DEFAULT_RISK_POLICY, type RiskPolicy } from '../domain/risk-policy';
import { DEFAULT_VELOCITY_THRESHOLDS, NO_VELOCITY, type VelocityCounts } from '../domain/velocity';
import type { GeoInfo } from '../geo/geo-locator';
import type { ThreatFeeds } from '../signals/ip-reputation/threat-feeds';
import type { SignalInput } from '../signals/risk-signal';
import { riskSignals } from '../signals/risk-signals';
import { compilePolicy, RiskScorer } from './risk-scorer';

const TENANT = '6f1c0b7e-8a34-4b0e-9d6a-0c1f3b2a4d5e';
const USER = '0b9e2c3d-1f4a-4c5b-8d6e-7f8091a2b3c4';
const BROWSER =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';
const LONDON: GeoInfo = { country: 'GB', latitude: 51.5, longitude: -0.12, accuracyRadiusKm: 20, asn: 2856 };
const SYDNEY: GeoInfo = {
  country: 'AU',
  latitude: -33.87,
  longitude: 151.21,
  accuracyRadiusKm: 20,
  asn: 1221,
};
const NOW = new Date('2026-11-28T14:00:00Z');

const feeds = {
  lookup: (ip: string) =>
    ip === '203.0.113.66'
      ? [{ name: 'firehol_level1', category: 'blocklist' as const }]
      : ip === '198.51.100.9'
        ? [{ name: 'tor_exits', category: 'tor' as const }]
        : [],
} as unknown as ThreatFeeds;

const scorer = new RiskScorer(
  riskSignals(feeds, {
    anonymizerAsns: [9009],
    hostingAsns: [16509],
    maxTravelSpeedKmh: 1000,
    minTravelDistanceKm: 300,
  }),
);

function context(over: Partial<AttemptContext> = {}): AttemptContext {
  return {
    tenantId: TENANT,
    attemptId: 'a-1',
    userId: USER,
    clientIp: '192.0.2.10',
    userAgent: BROWSER,
    deviceId: 'device-1',
    deviceRemembered: false,
    action: { kind: 'sign_in' },
    passwordCheck: 'passed',
    ...over,
  };
}

/** A user who signed in from London on device-1 at 14:00 UTC every day for 20 days. */
function regular(): UserProfile {
  let p = emptyProfile(TENANT, USER);
  for (let day = 20; day >= 1; day -= 1) {
    p = withSignIn(
      p,
      {
        at: new Date(NOW.getTime() - day * 86_400_000),
        deviceId: 'device-1',
        country: 'GB',
        asn: 2856,
        latitude: 51.5,
        longitude: -0.12,
        accuracyKm: 20,
      },
      180 * 86_400_000,
    );
  }
  return p;
}

function assess(
  over: Partial<SignalInput> & { ctx?: Partial<AttemptContext> } = {},
  policy: RiskPolicy = DEFAULT_RISK_POLICY,
) {
  const input: SignalInput = {
    context: context(over.ctx),
    now: over.now ?? NOW,
    geo: 'geo' in over ? over.geo : LONDON,
    profile: 'profile' in over ? over.profile : regular(),
    velocity: over.velocity ?? NO_VELOCITY,
    thresholds: over.thresholds ?? DEFAULT_VELOCITY_THRESHOLDS,
  };
  return scorer.assess(input, compilePolicy(policy));
}

const codes = (a: ReturnType<typeof assess>) => a.reasons.map((r) => r.code);

describe('risk scoring', () => {
  it('allows a familiar sign-in with no reasons at all', () => {
    const a = assess();
    expect(a).toEqual({ score: 0, level: 'low', decision: 'allow', reasons: [] });
  });

  it('denies a blocklisted IP and says which feed listed it', () => {
    const a = assess({ ctx: { clientIp: '203.0.113.66' } });
    expect(a.decision).toBe('deny');
    expect(a.level).toBe('high');
    expect(a.reasons[0]).toEqual({ code: 'IP_BLOCKLISTED', weight: 70, detail: 'listed on firehol_level1' });
  });

  it('challenges a Tor exit node', () => {
    const a = assess({ ctx: { clientIp: '198.51.100.9' } });
    expect(codes(a)).toEqual(['TOR_EXIT_NODE']);
    expect(a.decision).toBe('challenge');
  });

  it('flags anonymiser and hosting networks by AS number', () => {
    expect(codes(assess({ geo: { ...LONDON, asn: 9009 }, profile: undefined }))).toEqual([
      'ANONYMIZER_NETWORK',
    ]);
    expect(codes(assess({ geo: { ...LONDON, asn: 16509 }, profile: undefined }))).toEqual([
      'HOSTING_NETWORK',
    ]);
  });

  it('sees impossible travel from London to Sydney within an hour, and none after two days', () => {
    const justNow = {
      ...regular(),
      lastSignIn: { ...regular().lastSignIn!, at: new Date(NOW.getTime() - 3_600_000) },
    };
    const fast = assess({ geo: SYDNEY, profile: justNow });
    expect(codes(fast)).toEqual(expect.arrayContaining(['IMPOSSIBLE_TRAVEL', 'NEW_COUNTRY', 'NEW_NETWORK']));
    expect(fast.reasons.find((r) => r.code === 'IMPOSSIBLE_TRAVEL')!.detail).toMatch(
      /km from the last sign-in \(GB\)/,
    );
    expect(fast.decision).toBe('challenge');
    expect(fast.level).toBe('high');
    const later = {
      ...regular(),
      lastSignIn: { ...regular().lastSignIn!, at: new Date(NOW.getTime() - 2 * 86_400_000) },
    };
    expect(codes(assess({ geo: SYDNEY, profile: later }))).not.toContain('IMPOSSIBLE_TRAVEL');
  });

  it('does not call short hops impossible, however fast', () => {
    const justNow = {
      ...regular(),
      lastSignIn: { ...regular().lastSignIn!, at: new Date(NOW.getTime() - 60_000) },
    };
    const oxford: GeoInfo = { ...LONDON, latitude: 51.75, longitude: -1.26 };
    expect(codes(assess({ geo: oxford, profile: justNow }))).not.toContain('IMPOSSIBLE_TRAVEL');
  });

  it('notices a new device, and a remembered device lowers the score instead', () => {
    expect(codes(assess({ ctx: { deviceId: 'device-2' } }))).toEqual(['NEW_DEVICE']);
    const remembered = assess({ ctx: { deviceId: 'device-2', deviceRemembered: true }, geo: SYDNEY });
    expect(codes(remembered)).toContain('REMEMBERED_DEVICE');
    expect(codes(remembered)).not.toContain('NEW_DEVICE');
    expect(remembered.reasons.find((r) => r.code === 'REMEMBERED_DEVICE')!.weight).toBeLessThan(0);
    const without = assess({ ctx: { deviceId: 'device-2' }, geo: SYDNEY });
    expect(remembered.score).toBeLessThan(without.score);
  });

  it('stays silent about novelty for a user without history (cold start)', () => {
    expect(assess({ profile: undefined, ctx: { deviceId: 'device-9' }, geo: SYDNEY }).reasons).toEqual([]);
  });

  it('flags an unusual hour only once the user has enough history', () => {
    const at3am = new Date('2026-11-28T03:00:00Z');
    expect(codes(assess({ now: at3am }))).toEqual(['UNUSUAL_HOUR']);
    const young = emptyProfile(TENANT, USER);
    const few = withSignIn(
      young,
      { at: new Date(NOW.getTime() - 86_400_000), deviceId: 'device-1', country: 'GB', asn: 2856 },
      1e12,
    );
    expect(codes(assess({ now: at3am, profile: few }))).toEqual([]);
  });

  it('reads the failure windows: stuffing, IP, subnet, user, spraying and tenant spikes', () => {
    const v: VelocityCounts = {
      ipFailures: 12,
      ipUsers: 11,
      subnetFailures: 30,
      userFailures: 6,
      userIps: 5,
      tenantFailures: 150,
    };
    const a = assess({ velocity: v });
    expect(codes(a)).toEqual(
      expect.arrayContaining([
        'CREDENTIAL_STUFFING',
        'FAILURE_VELOCITY_IP',
        'FAILURE_VELOCITY_SUBNET',
        'PASSWORD_SPRAY',
        'FAILURE_VELOCITY_USER',
        'FAILURE_VELOCITY_TENANT',
      ]),
    );
    expect(a.score).toBe(100);
    expect(a.level).toBe('critical');
    expect(a.decision).toBe('deny');
    expect(codes(assess({ velocity: { ...NO_VELOCITY, ipFailures: 4, ipUsers: 4 } }))).toEqual([]);
  });

  it('recognises scripted clients and headless browsers', () => {
    expect(assess({ ctx: { userAgent: 'curl/8.5.0' } }).reasons[0].detail).toBe('automated client (curl)');
    expect(assess({ ctx: { userAgent: '' } }).reasons[0].detail).toBe('no user agent');
    expect(
      assess({
        ctx: {
          userAgent:
            'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 HeadlessChrome/131.0.0.0 Safari/537.36',
        },
      }).reasons[0].detail,
    ).toMatch(/^headless browser/);
    expect(assess({ ctx: { userAgent: 'MyShop/4.2 (iPhone; iOS 17.0)' } }).reasons).toEqual([]);
  });

  it('counts a failed password and a recent recovery', () => {
    const recovered = { ...regular(), lastRecoveryAt: new Date(NOW.getTime() - 30 * 60_000) };
    expect(codes(assess({ ctx: { passwordCheck: 'failed' }, profile: recovered }))).toEqual([
      'RECENT_RECOVERY',
      'PASSWORD_FAILED',
    ]);
  });

  it('honours the mode: always challenges, never allows below the deny threshold', () => {
    const always = assess({}, { ...DEFAULT_RISK_POLICY, mfaMode: 'always' });
    expect(always.decision).toBe('challenge');
    expect(codes(always)).toEqual(['MFA_ALWAYS']);
    expect(
      assess({ ctx: { clientIp: '198.51.100.9' } }, { ...DEFAULT_RISK_POLICY, mfaMode: 'never' }).decision,
    ).toBe('allow');
    expect(
      assess({ ctx: { clientIp: '203.0.113.66' } }, { ...DEFAULT_RISK_POLICY, mfaMode: 'never' }).decision,
    ).toBe('deny');
  });

  it('applies tenant weights and switches', () => {
    const policy: RiskPolicy = {
      ...DEFAULT_RISK_POLICY,
      signals: [
        { code: 'TOR_EXIT_NODE', enabled: true, weight: 90 },
        { code: 'NEW_DEVICE', enabled: false, weight: 15 },
      ],
    };
    expect(assess({ ctx: { clientIp: '198.51.100.9' } }, policy).decision).toBe('deny');
    expect(assess({ ctx: { deviceId: 'device-2' } }, policy).reasons).toEqual([]);
  });

  it('step-up rules: a payment above the amount is challenged, below it follows the score', () => {
    const policy: RiskPolicy = {
      ...DEFAULT_RISK_POLICY,
      stepUpRules: [
        { actionType: 'payment', minAmount: '500', currency: 'EUR', decision: 'challenge' },
        { actionType: 'payment', minAmount: '100000', decision: 'deny' },
      ],
    };
    const pay = (amount: string, currency = 'EUR') =>
      assess({ ctx: { action: { kind: 'step_up', type: 'payment', amount, currency } } }, policy);
    expect(pay('499.99').decision).toBe('allow');
    const big = pay('500.00');
    expect(big.decision).toBe('challenge');
    expect(big.reasons).toEqual([
      { code: 'STEP_UP_RULE', weight: 0, detail: 'payment of at least 500 EUR needs a challenge' },
    ]);
    expect(pay('800', 'USD').decision).toBe('allow');
    expect(pay('250000', 'USD').decision).toBe('deny');
  });

  it('clamps the score to 0–100 and orders reasons strongest first', () => {
    const low = assess({ ctx: { deviceRemembered: true } });
    expect(low.score).toBe(0);
    const many = assess({
      ctx: { clientIp: '203.0.113.66', userAgent: 'curl/8' },
      geo: { ...SYDNEY, asn: 9009 },
    });
    expect(many.score).toBe(100);
    const weights = many.reasons.map((r) => r.weight);
    expect([...weights].sort((a, b) => b - a)).toEqual(weights);
  });
});
