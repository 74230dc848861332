import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { cpus } from 'node:os';
import { join, resolve as resolvePath } from 'node:path';

/** One benchmark row: a measured scenario or the baseline it is compared with in the same run. */
export interface BenchResult {
  readonly scenario: string;
  readonly kind: 'measured' | 'baseline';
  readonly operations: number;
  readonly opsPerSecond: number;
  /** null: no latency per operation was measured (a backlog drained as a whole). */
  readonly p50Ms: number | null;
  readonly p99Ms: number | null;
  readonly cpuMsPerOp: number;
}

/**
 * The size of a benchmark: `env[name]` when set, else `quick` under BENCH_QUICK=1 (a smoke run of
 * every scenario in seconds, whose numbers mean little), else `full`.
 */
export function benchSize(name: string, full: number, quick: number, env = process.env): number {
  const value = env[name];
  if (value !== undefined && value !== '') {
    const n = Number(value);
    if (!Number.isFinite(n) || n <= 0) throw new Error(`${name} must be a positive number, not ${value}`);
    return n;
  }
  return env['BENCH_QUICK'] === '1' ? quick : full;
}

/** CPU seconds used so far by the given processes (utime + stime from /proc; Linux only). */
export function processCpuSeconds(pids: readonly number[]): number {
  const ticks = 100; // USER_HZ on Linux
  return pids.reduce((sum, pid) => {
    try {
      // The command name (field 2) may hold spaces; the fields after it are fixed.
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
      return sum + (Number(fields[11]) + Number(fields[12])) / ticks;
    } catch {
      return sum;
    }
  }, 0);
}

export const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? 0;

/** BENCH_PROFILE=<dir>: a V8 CPU profile of each measured scenario (not of its preparation). */
async function profiled<T>(scenario: string, run: () => Promise<T>): Promise<T> {
  const dir = process.env['BENCH_PROFILE'];
  if (!dir) return run();
  const session = new Session();
  session.connect();
  const post = (method: string) =>
    new Promise<unknown>((resolve, reject) =>
      session.post(method, (error, result) => (error ? reject(error) : resolve(result))),
    );
  await post('Profiler.enable');
  await post('Profiler.start');
  try {
    return await run();
  } finally {
    const { profile } = (await post('Profiler.stop')) as { profile: unknown };
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, `${scenario.replace(/[^\w]+/g, '-')}.cpuprofile`), JSON.stringify(profile));
    session.disconnect();
  }
}

/** Runs `op` `count` times with `concurrency` in flight; latency per op, CPU of this process. */
export async function measure(
  scenario: string,
  kind: BenchResult['kind'],
  count: number,
  concurrency: number,
  op: (i: number) => unknown,
): Promise<BenchResult> {
  return profiled(scenario, () => run(scenario, kind, count, concurrency, op));
}

async function run(
  scenario: string,
  kind: BenchResult['kind'],
  count: number,
  concurrency: number,
  op: (i: number) => unknown,
): Promise<BenchResult> {
  const latencies: number[] = new Array<number>(count);
  let next = 0;
  const cpu = process.cpuUsage();
  const started = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (let i = next++; i < count; i = next++) {
        const t = process.hrtime.bigint();
        await op(i);
        latencies[i] = Number(process.hrtime.bigint() - t) / 1e6;
      }
    }),
  );
  const elapsedS = Number(process.hrtime.bigint() - started) / 1e9;
  const used = process.cpuUsage(cpu);
  latencies.sort((a, b) => a - b);
  return {
    scenario,
    kind,
    operations: count,
    opsPerSecond: Math.round(count / elapsedS),
    p50Ms: Number(percentile(latencies, 0.5).toFixed(3)),
    p99Ms: Number(percentile(latencies, 0.99).toFixed(3)),
    cpuMsPerOp: Number(((used.user + used.system) / 1000 / count).toFixed(4)),
  };
}

/** Makes `count` fixtures with `concurrency` in flight (set-up work, not measured). */
export async function prepare<T>(count: number, concurrency: number, make: () => Promise<T>): Promise<T[]> {
  const out: T[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next++ < count) out.push(await make());
    }),
  );
  return out.slice(0, count);
}

export function table(results: BenchResult[]): string {
  const head = ['scenario', 'kind', 'ops', 'ops/s', 'p50 ms', 'p99 ms', 'CPU ms/op'];
  const rows = results.map((r) => [
    r.scenario,
    r.kind,
    String(r.operations),
    String(r.opsPerSecond),
    r.p50Ms === null ? '–' : r.p50Ms.toFixed(3),
    r.p99Ms === null ? '–' : r.p99Ms.toFixed(3),
    r.cpuMsPerOp.toFixed(4),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
  return [line(head), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)].join('\n');
}

/** The machine a run is on, as the tables print it. */
export function machineName(): string {
  return `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, Node ${process.version}`;
}

/** bench-results/ at the repository root (git-ignored). */
export const BENCH_RESULTS_DIR = resolvePath(__dirname, '..', '..', '..', 'bench-results');

/**
 * Prints the table and writes bench-results/<name>.json at the repository root: machine, date,
 * results, and `extra` fields of that benchmark's own.
 */
export function report(
  name: string,
  title: string,
  results: readonly BenchResult[],
  extra: Record<string, unknown> = {},
): void {
  const machine = machineName();
  process.stdout.write(`\n${title} on ${machine}\n\n${table([...results])}\n`);
  const dir = BENCH_RESULTS_DIR;
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, `${name}.json`),
    JSON.stringify(
      {
        machine,
        date: new Date().toISOString(),
        ...(process.env['BENCH_QUICK'] === '1' ? { quick: true } : {}),
        results,
        ...extra,
      },
      null,
      2,
    ),
  );
  process.stdout.write(`\nwritten to bench-results/${name}.json\n`);
}
