/**
 * Sign-in benchmark: `npm run bench:gateway`. With identity, factors, risk, audit and the gateway
 * each running as its own process on this machine (real PostgreSQL and Kafka):
 *   - full sign-ins: password (argon2id in identity) + risk + TOTP challenge and verification,
 *     four HTTP calls per sign-in, each a distinct user;
 *   - second-factor-only verifications: start (no password) + challenge + verify;
 *   - baseline in the same run: GET /healthz, the gateway's cheapest round trip.
 * CPU per operation is the sum over all service processes (from /proc), so it is the platform's
 * cost of one sign-in, not the load generator's. Prints a table, writes bench-results/gateway.json.
 */
import { randomUUID } from 'node:crypto';
import { NodeCryptoPlugin } from '@otplib/plugin-crypto-node';
import {
  type BenchResult,
  benchSize,
  ensureTestInfrastructure,
  measure,
  prepare,
  processCpuSeconds,
  report,
} from '@portcullis/testing';
import { generateSync } from 'otplib';
import { SliceStack } from '../src';

const crypto = new NodeCryptoPlugin();
const totp = (secret: string, offsetSeconds = 0) =>
  generateSync({ secret, epoch: Math.floor(Date.now() / 1000) + offsetSeconds, crypto });
const PASSWORD = 'correct horse battery staple';
const CONCURRENCY = benchSize('BENCH_CONCURRENCY', 16, 4);
const N = benchSize('BENCH_SIGN_INS', 300, 20);

async function main(): Promise<void> {
  await ensureTestInfrastructure(() => undefined);
  const stack = await new SliceStack({
    env: { LOG_LEVEL: 'warn' },
    gatewayEnv: { RATE_LIMIT_PER_KEY: '1000000' },
  }).start();
  const results: BenchResult[] = [];
  try {
    const pids = [stack.identity, stack.factors, stack.risk, stack.audit, stack.gateway].map(
      (p) => p.child.pid!,
    );
    const tenantId = await stack.createTenant('Bench Bank');
    const keyResponse = await stack.http('POST', `/v1/tenants/${tenantId}/api-keys`, {
      name: 'bench',
      scope: 'runtime',
    });
    const key = keyResponse.json['secret'] as string;
    const api = (method: string, path: string, body?: unknown) =>
      stack.http(method, path, body, { bearer: key });
    await stack.http('PUT', `/v1/tenants/${tenantId}/risk-policy`, { policy: { mfaMode: 'always' } });

    process.stdout.write(`preparing ${N} users with a password and TOTP…\n`);
    const users = await prepare(N * 2, 8, async () => {
      const created = await api('POST', '/v1/users', { tenantId, externalId: `b-${randomUUID()}` });
      const userId = created.json['user'].id as string;
      await api('PUT', `/v1/users/${userId}/password`, { tenantId, password: PASSWORD });
      const begun = await api('POST', `/v1/users/${userId}/factors`, { tenantId, type: 'totp' });
      const secret = begun.json['totp'].secret as string;
      // The previous step's code, so that this step's is left for the sign-in. On a loaded machine
      // the request may arrive two steps later, when that code is no longer valid: a fresh one.
      const activate = () =>
        api('POST', `/v1/users/${userId}/enrollments/${begun.json['enrollmentId']}/activate`, {
          tenantId,
          proof: { code: totp(secret, -30) },
        });
      let activated = await activate();
      for (let retry = 0; retry < 2 && activated.json?.['code'] === 'CODE_INVALID'; retry += 1) {
        activated = await activate();
      }
      if (activated.status !== 200) throw new Error(`activation failed: ${activated.text}`);
      return { userId, secret, factorId: activated.json['factor'].id as string };
    });

    const withCpu = async (run: () => Promise<BenchResult>): Promise<BenchResult> => {
      const before = processCpuSeconds(pids);
      const result = await run();
      const used = processCpuSeconds(pids) - before;
      return { ...result, cpuMsPerOp: Number(((used * 1000) / result.operations).toFixed(3)) };
    };

    results.push(
      await withCpu(() =>
        measure('GET /healthz (baseline round trip)', 'baseline', N * 4, CONCURRENCY, () =>
          fetch(`${stack.httpUrl}/healthz`).then((r) => r.text()),
        ),
      ),
    );

    const signIn = async (user: (typeof users)[number], password: string | undefined, i: number) => {
      const started = await api('POST', '/v1/authentications', {
        tenantId,
        userId: user.userId,
        ...(password ? { password } : {}),
        context: { ip: `10.${(i >> 8) & 255}.${i & 255}.1`, userAgent: 'Mozilla/5.0 bench', deviceId: 'd' },
      });
      const id = started.json['authentication']?.id as string;
      if (started.json['authentication']?.status !== 'CHALLENGE_REQUIRED') throw new Error(started.text);
      const challenge = await api('POST', `/v1/authentications/${id}/challenges`, {
        tenantId,
        factorId: user.factorId,
      });
      const verified = await api('POST', `/v1/authentications/${id}/verify`, {
        tenantId,
        challengeId: challenge.json['challengeId'],
        code: totp(user.secret),
      });
      if (verified.status !== 200) throw new Error(verified.text);
    };

    results.push(
      await withCpu(() =>
        measure('full sign-in: password + risk + TOTP (3 HTTP calls)', 'measured', N, CONCURRENCY, (i) =>
          signIn(users[i], PASSWORD, i),
        ),
      ),
    );
    results.push(
      await withCpu(() =>
        measure('second factor only: start + challenge + verify TOTP', 'measured', N, CONCURRENCY, (i) =>
          signIn(users[N + i], undefined, N + i),
        ),
      ),
    );
  } finally {
    await stack.stop();
  }
  report('gateway', 'Gateway benchmark (all services on this machine)', results);
  process.exit(0);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
