/**
 * Risk benchmark: `npm run bench:risk`. Scoring with over 100,000 CIDR ranges loaded (IPv4 and IPv6
 * feeds) and a generated geolocation database, beside baselines measured in the same run:
 *   - in-process: the full scorer (every signal, warm profile, policy compiled) against the
 *     bare feed lookup it starts with (one binary search per feed);
 *   - through gRPC: ScoreAttempt (cached profile and policy, velocity counts and the assessment
 *     written in PostgreSQL) against GetRiskPolicy (one gRPC round trip, cached read).
 * Prints a table and writes bench-results/risk.json.
 */
import { randomUUID } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { riskV1 } from '@portcullis/contracts';
import { createLogger } from '@portcullis/observability';
import { type BenchResult, benchSize, ensureTestInfrastructure, measure, report } from '@portcullis/testing';
import type { AttemptContext } from '../src/domain/assessment';
import { emptyProfile, withSignIn } from '../src/domain/profile';
import { DEFAULT_RISK_POLICY } from '../src/domain/risk-policy';
import { DEFAULT_VELOCITY_THRESHOLDS, NO_VELOCITY } from '../src/domain/velocity';
import { MaxmindGeoLocator } from '../src/geo/geo-locator';
import { compilePolicy, RiskScorer } from '../src/scoring/risk-scorer';
import { ThreatFeeds } from '../src/signals/ip-reputation/threat-feeds';
import { riskSignals } from '../src/signals/risk-signals';
import { BROWSER, PLACES, RiskHarness } from '../test/risk-harness';

const RANGES = benchSize('BENCH_RANGES', 120_000, 10_000);

/** A FireHOL-style netset of `count` random ranges: 80 % IPv4 (/16–/32), 20 % IPv6 (/32–/64). */
function netset(count: number): string {
  const lines = ['# generated for the benchmark'];
  const rnd = (n: number) => Math.floor(Math.random() * n);
  for (let i = 0; i < count; i += 1) {
    if (i % 5 === 4) {
      const groups = Array.from({ length: 4 }, () => rnd(0x10000).toString(16));
      lines.push(`2a0${rnd(10)}:${groups.join(':')}::/${32 + rnd(33)}`);
    } else {
      lines.push(`${1 + rnd(222)}.${rnd(256)}.${rnd(256)}.${rnd(256)}/${16 + rnd(17)}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

async function main(): Promise<void> {
  const results: BenchResult[] = [];
  const silent = createLogger({ service: 'bench', level: 'silent' });
  await ensureTestInfrastructure(() => undefined);
  const harness = new RiskHarness();
  await harness.start({ LOG_LEVEL: 'silent' });
  try {
    const big = join(harness.dir, 'big.netset');
    await writeFile(big, netset(RANGES));
    const feeds = new ThreatFeeds(
      [{ name: 'bench', category: 'blocklist', source: big }],
      { refreshMs: 3_600_000, fetchTimeoutMs: 10_000 },
      silent,
    );
    await feeds.start();
    const loaded = feeds.status()[0];
    process.stdout.write(`feed: ${loaded.ranges} ranges after merging ${RANGES} entries\n`);
    const geo = await MaxmindGeoLocator.open({ cityDbPath: join(harness.dir, 'geo.mmdb') });

    // In-process: a warm profile (30 sign-ins), the default policy, realistic clients.
    let profile = emptyProfile(harness.tenantId, randomUUID());
    for (let d = 30; d >= 1; d -= 1) {
      profile = withSignIn(
        profile,
        {
          at: new Date(Date.now() - d * 86_400_000),
          deviceId: 'phone-1',
          country: 'GB',
          asn: 2856,
          latitude: 51.5,
          longitude: -0.12,
        },
        180 * 86_400_000,
      );
    }
    const scorer = new RiskScorer(
      riskSignals(feeds, {
        anonymizerAsns: [9009],
        hostingAsns: [16509],
        maxTravelSpeedKmh: 1000,
        minTravelDistanceKm: 300,
      }),
    );
    const compiled = compilePolicy(DEFAULT_RISK_POLICY);
    const ips = [PLACES.london.ip, PLACES.sydney.ip, PLACES.paris.v6, '8.8.8.8', '2a02:1234::1'];
    const contexts: AttemptContext[] = ips.map((clientIp, i) => ({
      tenantId: harness.tenantId,
      attemptId: `a-${i}`,
      userId: profile.userId,
      clientIp,
      userAgent: BROWSER,
      deviceId: i % 2 ? 'phone-1' : 'laptop-2',
      deviceRemembered: false,
      action: { kind: 'sign_in' },
      passwordCheck: 'passed',
    }));
    const N = benchSize('BENCH_OPS', 200_000, 5_000);
    results.push(
      await measure(`in-process: feed lookup alone (${loaded.ranges} ranges)`, 'baseline', N, 1, (i) =>
        feeds.lookup(ips[i % ips.length]),
      ),
    );
    results.push(
      await measure('in-process: full score (all signals, geo, warm profile)', 'measured', N, 1, (i) => {
        const context = contexts[i % contexts.length];
        return scorer.assess(
          {
            context,
            now: new Date(),
            geo: geo.lookup(context.clientIp),
            profile,
            velocity: NO_VELOCITY,
            thresholds: DEFAULT_VELOCITY_THRESHOLDS,
          },
          compiled,
        );
      }),
    );
    feeds.stop();

    // Through gRPC, against the running service (its own feeds are the harness's small files).
    const G = benchSize('BENCH_GRPC_OPS', 3000, 100);
    const CONCURRENCY = 16;
    const users = Array.from({ length: 100 }, () => randomUUID());
    await harness.running.feeds.reload();
    results.push(
      await measure('gRPC: GetRiskPolicy (round trip, cached read)', 'baseline', G, CONCURRENCY, () =>
        harness.client.call('getRiskPolicy', { tenantId: harness.tenantId }),
      ),
    );
    results.push(
      await measure(
        'gRPC: ScoreAttempt (velocity read + assessment write)',
        'measured',
        G,
        CONCURRENCY,
        (i) =>
          harness.score({
            userId: users[i % users.length],
            clientIp: ips[i % ips.length],
            deviceId: 'phone-1',
            passwordCheck: riskV1.PasswordCheck.PASSWORD_CHECK_PASSED,
          }),
      ),
    );
  } finally {
    await harness.stop();
  }
  report('risk', 'Risk benchmark', results);
  process.exit(0);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
