/**
 * Gateway overhead benchmark: `npm run bench:overhead`. What the gateway adds to a request over a
 * bare Fastify server doing the same proxying (bare-proxy.ts): with identity, factors, risk, audit
 * and the gateway each running as its own process (real PostgreSQL and Kafka), and the bare
 * proxy as one more process calling the same identity and factors, the same HTTP requests go to
 * both, from the same load generator (autocannon, keep-alive connections), first over one
 * connection, then over BENCH_CONCURRENCY:
 *   - GET /v1/users/{id}: identity GetUser (a primary-key read);
 *   - GET /v1/users/{id}/factors: factors ListFactors;
 *   - POST /v1/challenges/{id}/verify with a TOTP code: factors VerifyChallenge (replay check and
 *     events written in PostgreSQL), then identity GetUser (a locked user's answer is refused).
 * Before measuring, each route's answers from both are compared (same JSON). Each side gets a
 * warm-up, then BENCH_ROUNDS rounds, alternating which goes first (bare, gateway, gateway, bare,
 * …) so drift on a shared machine falls on both; latencies are pooled over the rounds.
 * CPU per request is that of the front process alone (the gateway, or the bare proxy), read from
 * /proc; the backends' is printed beside it to show both sides cost them the same.
 * Prints a table and the overhead (gateway minus bare), writes bench-results/overhead.json.
 *
 * autocannon rather than measure()'s fetch loop: it keeps a fixed set of keep-alive connections and
 * writes prebuilt request bytes, so the load generator takes far less of the two cores the servers
 * share with it, and its per-response timings are exact (its own histogram counts whole ms).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { deepStrictEqual } from 'node:assert';
import { join, resolve } from 'node:path';
import { NodeCryptoPlugin } from '@otplib/plugin-crypto-node';
import { factorsV1, identityV1, PROTO_FILES, PROTO_PACKAGES } from '@portcullis/contracts';
import { isDomainError } from '@portcullis/errors';
import { GrpcPeer } from '@portcullis/grpc';
import {
  type BenchResult,
  benchSize,
  ensureTestInfrastructure,
  type GatewayOverhead,
  overheadOf,
  overheadTable,
  percentile,
  prepare,
  processCpuSeconds,
  report,
} from '@portcullis/testing';
import autocannon from 'autocannon';
import { generateSync } from 'otplib';
import { SliceStack } from '../src';

const CONCURRENCY = benchSize('BENCH_CONCURRENCY', 16, 4);
/**
 * One connection: a request's own latency through each front, nothing queued behind another.
 * CONCURRENCY connections: both fronts under load (on two cores, saturated), where CPU per
 * request and throughput tell more than latency, which is mostly queueing.
 */
const PASSES = [...new Set([1, CONCURRENCY])];
/** Requests per side for each read route, and for the verification route. */
const READS = benchSize('BENCH_OVERHEAD_READS', 4000, 200);
const VERIFIES = benchSize('BENCH_OVERHEAD_VERIFIES', 600, 40);
const ROUNDS = benchSize('BENCH_ROUNDS', 2, 2);
const REPO_ROOT = resolve(__dirname, '../../..');

const isCodeInvalid = (error: unknown) => isDomainError(error) && error.code === 'CODE_INVALID';

const crypto = new NodeCryptoPlugin();
const totp = (secret: string, offsetSeconds = 0) =>
  generateSync({ secret, epoch: Math.floor(Date.now() / 1000) + offsetSeconds, crypto });

interface Front {
  readonly name: 'bare' | 'gateway';
  readonly url: string;
  readonly pid: number;
}

interface HttpRequest {
  readonly method: 'GET' | 'POST';
  readonly path: string;
  readonly body?: string;
}

/** One load run against one front. */
interface Run {
  readonly latencies: number[];
  readonly seconds: number;
  readonly frontCpuSeconds: number;
  readonly backendCpuSeconds: number;
}

/** The bare proxy as a process of its own, listening on a free port. */
async function startBareProxy(env: Record<string, string>): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(
    process.execPath,
    ['--enable-source-maps', '-r', '@swc-node/register', join(__dirname, 'bare-proxy.ts')],
    {
      cwd: REPO_ROOT,
      env: { PATH: process.env['PATH'] ?? '', NODE_ENV: 'test', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  const port = await new Promise<number>((resolvePort, reject) => {
    const timer = setTimeout(() => reject(new Error(`bare proxy did not start:\n${output}`)), 60_000);
    const read = (chunk: Buffer) => {
      output += chunk.toString();
      const listening = /^listening (\d+)$/m.exec(output);
      if (listening) {
        clearTimeout(timer);
        resolvePort(Number(listening[1]));
      }
    };
    child.stdout?.on('data', read);
    child.stderr?.on('data', read);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`bare proxy exited (${code}):\n${output}`));
    });
  });
  return { url: `http://127.0.0.1:${port}`, child };
}

async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolveExit) => child.once('exit', resolveExit));
  child.kill('SIGTERM');
  await exited;
}

/**
 * `count` requests (request(i) builds the i-th; it may be asked for a few more than are sent) over
 * `connections` connections. Throws on any error or non-2xx answer.
 */
async function fire(
  front: Front,
  backendPids: readonly number[],
  headers: Record<string, string>,
  connections: number,
  count: number,
  request: (i: number) => HttpRequest,
): Promise<Run> {
  let next = 0;
  const latencies: number[] = [];
  const failures = new Map<number, number>();
  const cpuBefore = [processCpuSeconds([front.pid]), processCpuSeconds(backendPids)];
  let cpuAfter = cpuBefore;
  let lastAt = 0;
  const startedAt = performance.now();
  const result = await new Promise<autocannon.Result>((resolveRun, reject) => {
    const instance = autocannon(
      {
        url: front.url,
        connections: Math.min(connections, count),
        amount: count,
        timeout: 30,
        headers,
        requests: [
          {
            setupRequest: (base) => {
              const { method, path, body } = request(next++);
              return body === undefined
                ? { ...base, method, path }
                : {
                    ...base,
                    method,
                    path,
                    body,
                    headers: { ...base.headers, 'content-type': 'application/json' },
                  };
            },
          },
        ],
      },
      (error, done) =>
        error ? reject(error instanceof Error ? error : new Error(String(error))) : resolveRun(done),
    );
    instance.on('response', (_client, status, _bytes, ms) => {
      latencies.push(ms);
      if (status < 200 || status > 299) failures.set(status, (failures.get(status) ?? 0) + 1);
      // autocannon reports only at its next one-second tick: the run ends at its last answer.
      if (latencies.length === count) {
        lastAt = performance.now();
        cpuAfter = [processCpuSeconds([front.pid]), processCpuSeconds(backendPids)];
      }
    });
  });
  if (result.errors > 0 || failures.size > 0 || latencies.length < count) {
    throw new Error(
      `${front.name}: ${latencies.length}/${count} answers, ${result.errors} errors, ` +
        `not 2xx: ${JSON.stringify(Object.fromEntries(failures))}`,
    );
  }
  return {
    latencies,
    seconds: (lastAt - startedAt) / 1000,
    frontCpuSeconds: cpuAfter[0] - cpuBefore[0],
    backendCpuSeconds: cpuAfter[1] - cpuBefore[1],
  };
}

/** The runs of one front pooled into one row (and the mean latency, for the overhead). */
function pooled(scenario: string, kind: BenchResult['kind'], runs: readonly Run[]) {
  const latencies = runs.flatMap((r) => r.latencies).sort((a, b) => a - b);
  const operations = latencies.length;
  const seconds = runs.reduce((sum, r) => sum + r.seconds, 0);
  const result: BenchResult = {
    scenario,
    kind,
    operations,
    opsPerSecond: Math.round(operations / seconds),
    p50Ms: Number(percentile(latencies, 0.5).toFixed(3)),
    p99Ms: Number(percentile(latencies, 0.99).toFixed(3)),
    cpuMsPerOp: Number(
      ((runs.reduce((sum, r) => sum + r.frontCpuSeconds, 0) * 1000) / operations).toFixed(4),
    ),
  };
  return {
    result,
    meanMs: latencies.reduce((sum, ms) => sum + ms, 0) / operations,
    backendCpuMsPerOp: (runs.reduce((sum, r) => sum + r.backendCpuSeconds, 0) * 1000) / operations,
  };
}

/** The JSON's structure with every leaf replaced by its type (answers about different ids). */
function shapeOf(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(shapeOf);
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([key, field]) => [key, shapeOf(field)]));
  }
  return typeof value;
}

async function answer(url: string, request: HttpRequest, headers: Record<string, string>) {
  const response = await fetch(`${url}${request.path}`, {
    method: request.method,
    headers: request.body === undefined ? headers : { ...headers, 'content-type': 'application/json' },
    body: request.body,
  });
  const text = await response.text();
  if (response.status !== 200)
    throw new Error(`${request.method} ${request.path} → ${response.status} ${text}`);
  return JSON.parse(text) as Record<string, unknown>;
}

async function main(): Promise<void> {
  await ensureTestInfrastructure(() => undefined);
  const stack = await new SliceStack({
    env: { LOG_LEVEL: 'warn' },
    gatewayEnv: { RATE_LIMIT_PER_KEY: '1000000' },
  }).start();
  const identityUrl = `127.0.0.1:${stack.identity.grpcPort}`;
  const factorsUrl = `127.0.0.1:${stack.factors.grpcPort}`;
  const identity = new GrpcPeer<identityV1.IdentityServiceClient>({
    url: identityUrl,
    protoPath: PROTO_FILES.identity,
    packageName: PROTO_PACKAGES.identity,
    serviceName: identityV1.IDENTITY_SERVICE_NAME,
    deadlineMs: 30_000,
  });
  const factors = new GrpcPeer<factorsV1.FactorsServiceClient>({
    url: factorsUrl,
    protoPath: PROTO_FILES.factors,
    packageName: PROTO_PACKAGES.factors,
    serviceName: factorsV1.FACTORS_SERVICE_NAME,
    deadlineMs: 30_000,
  });
  const results: BenchResult[] = [];
  const overhead: GatewayOverhead[] = [];
  const backends: { route: string; gateway: number; bare: number }[] = [];
  let bare: Awaited<ReturnType<typeof startBareProxy>> | undefined;
  try {
    bare = await startBareProxy({ IDENTITY_GRPC_URL: identityUrl, FACTORS_GRPC_URL: factorsUrl });
    const bareUrl = bare.url;
    const fronts: Front[] = [
      { name: 'bare', url: bare.url, pid: bare.child.pid! },
      { name: 'gateway', url: stack.httpUrl, pid: stack.gateway.child.pid! },
    ];
    const backendPids = [stack.identity.child.pid!, stack.factors.child.pid!];
    const tenantId = await stack.createTenant('Overhead Bench');
    const key = (
      await stack.http('POST', `/v1/tenants/${tenantId}/api-keys`, { name: 'bench', scope: 'runtime' })
    ).json['secret'] as string;
    const headers = { authorization: `Bearer ${key}` };

    const warmupOf = (count: number) => Math.max(CONCURRENCY, Math.floor(count / 10));
    const perRun = (count: number) => Math.ceil(count / ROUNDS);
    // One TOTP factor per verification: a factor accepts one code per time step.
    const users = 2 * PASSES.length * (ROUNDS * perRun(VERIFIES) + warmupOf(VERIFIES)) + 2;
    process.stdout.write(`preparing ${users} users with a TOTP factor (identity and factors over gRPC)…\n`);
    const prepared = performance.now();
    const enrolled = await prepare(users, 8, async () => {
      const { user } = await identity.call('createUser', {
        tenantId,
        externalId: `o-${randomUUID()}`,
        email: '',
        phoneNumber: '',
      });
      const userId = user!.id;
      const begun = await factors.call('beginEnrollment', {
        tenantId,
        userId,
        type: 'totp',
        name: '',
        accountName: 'bench',
        destination: '',
        mfaProof: '',
        locale: 'en',
        clientIp: '',
      });
      const secret = begun.totp!.secret;
      // The previous step's code, so that this step's is left for the verification. On a loaded
      // machine the call may arrive two steps later, when that code is no longer valid: a fresh one.
      const activate = () =>
        factors.call('activateFactor', {
          tenantId,
          userId,
          enrollmentId: begun.enrollmentId,
          proof: { code: totp(secret, -30) },
        });
      for (let attempt = 1; ; attempt += 1) {
        try {
          await activate();
          break;
        } catch (error) {
          if (attempt === 3 || !isCodeInvalid(error)) throw error;
        }
      }
      return { userId, factorId: begun.factor!.id, secret };
    });
    process.stdout.write(`… in ${((performance.now() - prepared) / 1000).toFixed(1)} s\n`);
    const readers = enrolled.slice(0, Math.min(200, enrolled.length));
    let unused = 0;
    /** Fresh challenges, started just before they are answered (outside the measurement). */
    const challenges = (count: number) =>
      prepare(count, 8, async () => {
        const user = enrolled[unused++];
        const authenticationId = randomUUID();
        const { challengeId } = await factors.call('startChallenge', {
          tenantId,
          userId: user.userId,
          factorId: user.factorId,
          authenticationId,
          action: '',
          locale: 'en',
          passwordless: false,
          clientIp: '',
        });
        return { ...user, challengeId, authenticationId };
      });
    const verification = (c: Awaited<ReturnType<typeof challenges>>[number]): HttpRequest => ({
      method: 'POST',
      path: `/v1/challenges/${c.challengeId}/verify`,
      body: JSON.stringify({
        tenantId,
        authenticationId: c.authenticationId,
        proof: { code: totp(c.secret) },
      }),
    });

    interface Route {
      route: string;
      calls: string;
      count: number;
      /** The requests of one run of `count`, built as they are sent. */
      load: (count: number) => Promise<(i: number) => HttpRequest>;
      /** Both fronts answer alike. */
      check: () => Promise<void>;
    }
    // A read of one of the readers, spread over all of them; both fronts must answer it alike.
    const read = (route: string, calls: string, pathOf: (userId: string) => string): Route => ({
      route,
      calls,
      count: READS,
      load: () =>
        Promise.resolve((i) => ({ method: 'GET', path: pathOf(readers[i % readers.length].userId) })),
      check: async () => {
        const request = { method: 'GET', path: pathOf(readers[0].userId) } as const;
        deepStrictEqual(
          await answer(bareUrl, request, headers),
          await answer(stack.httpUrl, request, headers),
        );
      },
    });

    const routes: Route[] = [
      read('GET /v1/users/{id}', 'identity GetUser', (id) => `/v1/users/${id}?tenantId=${tenantId}`),
      read(
        'GET /v1/users/{id}/factors',
        'factors ListFactors',
        (id) => `/v1/users/${id}/factors?tenantId=${tenantId}`,
      ),
      {
        route: 'POST /v1/challenges/{id}/verify',
        calls: 'factors + identity',
        count: VERIFIES,
        load: async (count) => {
          const ready = await challenges(count);
          // autocannon builds a request or two per connection more than it sends.
          return (i) => verification(ready[i % ready.length]);
        },
        check: async () => {
          const [one, two] = await challenges(2);
          const fromBare = await answer(bareUrl, verification(one), headers);
          const fromGateway = await answer(stack.httpUrl, verification(two), headers);
          deepStrictEqual(shapeOf(fromBare), shapeOf(fromGateway));
          deepStrictEqual([fromBare['userId'], fromGateway['userId']], [one.userId, two.userId]);
          deepStrictEqual(fromBare['amr'], fromGateway['amr']);
        },
      },
    ];

    for (const { route, calls, count, load, check } of routes) {
      await check();
      for (const connections of PASSES) {
        for (const front of fronts) {
          const warmup = warmupOf(count);
          await fire(front, backendPids, headers, connections, warmup, await load(warmup));
        }
        const runs = new Map<Front['name'], Run[]>([
          ['bare', []],
          ['gateway', []],
        ]);
        for (let round = 0; round < ROUNDS; round += 1) {
          for (const front of round % 2 === 0 ? fronts : [...fronts].reverse()) {
            const n = perRun(count);
            const run = await fire(front, backendPids, headers, connections, n, await load(n));
            runs.get(front.name)!.push(run);
            process.stdout.write(
              `${route}, ${connections} conn., ${front.name} round ${round + 1}: ` +
                `${Math.round(n / run.seconds)} requests/s\n`,
            );
          }
        }
        const scenario = `${route} → ${calls}, ${connections} conn.`;
        const base = pooled(`${scenario}: bare Fastify`, 'baseline', runs.get('bare')!);
        const gateway = pooled(`${scenario}: gateway`, 'measured', runs.get('gateway')!);
        results.push(base.result, gateway.result);
        overhead.push(overheadOf(route, connections, base, gateway));
        backends.push({
          route: `${route}, ${connections} conn.`,
          bare: Number(base.backendCpuMsPerOp.toFixed(4)),
          gateway: Number(gateway.backendCpuMsPerOp.toFixed(4)),
        });
      }
    }
  } finally {
    identity.close();
    factors.close();
    if (bare) await stopProcess(bare.child);
    await stack.stop();
  }
  report('overhead', 'Gateway overhead: the gateway against a bare Fastify proxy, same backends', results, {
    connections: PASSES,
    rounds: ROUNDS,
    overhead,
    backendCpuMsPerOp: backends,
  });
  process.stdout.write(`\nGateway minus bare proxy, per request:\n\n${overheadTable(overhead)}\n`);
  process.stdout.write(
    `\nidentity + factors CPU ms per request, with the gateway / with the bare proxy in front: ${backends
      .map((b) => `${b.route} ${b.gateway.toFixed(3)} / ${b.bare.toFixed(3)}`)
      .join('; ')}\n`,
  );
  process.exit(0);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
