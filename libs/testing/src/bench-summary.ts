import { cpus, release, totalmem, type as osType } from 'node:os';
import type { BenchResult } from './bench';

/** The benchmarks `npm run bench` runs, in its order; each writes bench-results/<name>.json. */
export const BENCH_SUITES = ['factors', 'delivery', 'risk', 'audit', 'gateway', 'overhead'] as const;

export const BENCH_BLOCK_START = '<!-- bench:start -->';
export const BENCH_BLOCK_END = '<!-- bench:end -->';

/** Suites written further apart than this are not taken for one run. */
const ONE_RUN_MS = 24 * 3_600_000;

export interface MachineInfo {
  readonly cpuModel: string;
  readonly cores: number;
  readonly memoryGiB: number;
  readonly node: string;
  readonly os: string;
}

/** What the gateway adds to one request over a bare Fastify proxy making the same gRPC calls. */
export interface GatewayOverhead {
  readonly route: string;
  /** Requests in flight (keep-alive connections of the load generator). */
  readonly connections: number;
  /** Gateway minus bare proxy, milliseconds per request. */
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly meanMs: number;
  /** CPU of the gateway process minus that of the bare proxy process, per request. */
  readonly cpuMsPerOp: number;
  /** Gateway requests per second over the bare proxy's (1 = no throughput lost). */
  readonly throughputRatio: number;
}

/** One side of an overhead comparison: its pooled row and its mean latency. */
export interface OverheadSide {
  readonly result: BenchResult;
  readonly meanMs: number;
}

/** The gateway's row minus the bare proxy's, for one route. */
export function overheadOf(
  route: string,
  connections: number,
  bare: OverheadSide,
  gateway: OverheadSide,
): GatewayOverhead {
  const latency = (side: OverheadSide, key: 'p50Ms' | 'p99Ms') => {
    const value = side.result[key];
    if (value === null) throw new Error(`${side.result.scenario}: no ${key} to compare`);
    return value;
  };
  const round = (n: number, digits: number) => Number(n.toFixed(digits));
  return {
    route,
    connections,
    p50Ms: round(latency(gateway, 'p50Ms') - latency(bare, 'p50Ms'), 3),
    p99Ms: round(latency(gateway, 'p99Ms') - latency(bare, 'p99Ms'), 3),
    meanMs: round(gateway.meanMs - bare.meanMs, 3),
    cpuMsPerOp: round(gateway.result.cpuMsPerOp - bare.result.cpuMsPerOp, 4),
    throughputRatio: round(gateway.result.opsPerSecond / bare.result.opsPerSecond, 3),
  };
}

/** bench-results/<suite>.json as `report()` writes it. */
export interface SuiteFile {
  readonly machine: string;
  readonly date: string;
  /** Run at BENCH_QUICK=1 sizes. */
  readonly quick?: boolean;
  readonly results: readonly BenchResult[];
  readonly overhead?: readonly GatewayOverhead[];
}

export interface SummaryRow extends BenchResult {
  readonly suite: string;
}

/** bench-results/summary.json. */
export interface BenchSummary {
  /** The machine the summary was made on (the suites name theirs in `suites`). */
  readonly machine: MachineInfo;
  readonly date: string;
  readonly suites: readonly { readonly name: string; readonly machine: string; readonly date: string }[];
  readonly rows: readonly SummaryRow[];
  readonly overhead: readonly GatewayOverhead[];
  /** Suites missing, from another machine, or from another day: the table is not one run's. */
  readonly warnings: readonly string[];
  /** What the person who ran it says of the run (BENCH_NOTE), e.g. what else the machine ran. */
  readonly note?: string;
}

export function currentMachine(): MachineInfo {
  return {
    cpuModel: cpus()[0]?.model.trim() ?? 'unknown',
    cores: cpus().length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    os: `${osType()} ${release()}`,
  };
}

/** As `machineName()` in bench.ts writes it into each suite's file. */
export const shortMachineName = (m: MachineInfo) => `${m.cores} × ${m.cpuModel}, Node ${m.node}`;

export const machineLine = (m: MachineInfo) =>
  `${m.cores} × ${m.cpuModel}, ${m.memoryGiB} GiB, Node ${m.node}, ${m.os}`;

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const isNumber = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);
const isLatency = (value: unknown) => value === null || isNumber(value);

function isResult(value: unknown): value is BenchResult {
  return (
    isObject(value) &&
    typeof value['scenario'] === 'string' &&
    (value['kind'] === 'measured' || value['kind'] === 'baseline') &&
    isNumber(value['operations']) &&
    isNumber(value['opsPerSecond']) &&
    isLatency(value['p50Ms']) &&
    isLatency(value['p99Ms']) &&
    isNumber(value['cpuMsPerOp'])
  );
}

function isOverhead(value: unknown): value is GatewayOverhead {
  return (
    isObject(value) &&
    typeof value['route'] === 'string' &&
    ['connections', 'p50Ms', 'p99Ms', 'meanMs', 'cpuMsPerOp', 'throughputRatio'].every((key) =>
      isNumber(value[key]),
    )
  );
}

/** A suite's file, checked; throws naming what is wrong (say, a file of an older format). */
export function parseSuite(name: string, json: unknown): SuiteFile {
  const bad = (why: string) => new Error(`bench-results/${name}.json: ${why}`);
  if (!isObject(json)) throw bad('not a JSON object');
  const { machine, date, quick, results, overhead } = json;
  if (typeof machine !== 'string' || typeof date !== 'string' || Number.isNaN(Date.parse(date))) {
    throw bad('no machine or date');
  }
  if (!Array.isArray(results)) throw bad('no results');
  const index = results.findIndex((r) => !isResult(r));
  if (index >= 0) throw bad(`result ${index} is not {scenario, kind, operations, opsPerSecond, …}`);
  if (overhead !== undefined && !(Array.isArray(overhead) && overhead.every(isOverhead))) {
    throw bad('overhead is not a list of {route, connections, p50Ms, p99Ms, meanMs, cpuMsPerOp, …}');
  }
  return {
    machine,
    date,
    ...(quick === true ? { quick } : {}),
    results: results as BenchResult[],
    ...(overhead ? { overhead } : {}),
  };
}

/**
 * One summary of the suites' files (name → parsed JSON, or undefined where there is none), in
 * the order of BENCH_SUITES, with a warning for each reason the table may not be one run's.
 */
export function summarize(
  files: Readonly<Record<string, unknown>>,
  machine: MachineInfo,
  now: Date,
  note?: string,
): BenchSummary {
  const warnings: string[] = [];
  const suites: { name: string; machine: string; date: string }[] = [];
  const rows: SummaryRow[] = [];
  const overhead: GatewayOverhead[] = [];
  const quick: string[] = [];
  for (const name of BENCH_SUITES) {
    if (files[name] === undefined) {
      warnings.push(`no bench-results/${name}.json: run npm run bench:${name}`);
      continue;
    }
    const suite = parseSuite(name, files[name]);
    suites.push({ name, machine: suite.machine, date: suite.date });
    rows.push(...suite.results.map((r) => ({ suite: name, ...r })));
    overhead.push(...(suite.overhead ?? []));
    if (suite.quick) quick.push(name);
    if (suite.machine !== shortMachineName(machine)) {
      warnings.push(`${name} ran on ${suite.machine}, not on this machine (${shortMachineName(machine)})`);
    }
  }
  if (quick.length > 0) {
    warnings.push(`${quick.join(', ')} ran at BENCH_QUICK=1 sizes: the numbers mean little`);
  }
  const times = suites.map((s) => Date.parse(s.date));
  if (times.length > 1 && Math.max(...times) - Math.min(...times) > ONE_RUN_MS) {
    const oldest = suites[times.indexOf(Math.min(...times))];
    warnings.push(`${oldest.name} is from ${oldest.date}, over a day before the newest suite`);
  }
  return { machine, date: now.toISOString(), suites, rows, overhead, warnings, ...(note ? { note } : {}) };
}

type Align = 'left' | 'right';

/**
 * A Markdown table laid out as Prettier lays it out (cells padded to the column's width, numbers
 * right-aligned), so a README that holds it stays `prettier --check` clean.
 */
export function markdownTable(
  head: readonly string[],
  align: readonly Align[],
  cells: readonly (readonly string[])[],
): string {
  // A pipe inside a cell would end it.
  const rows = cells.map((r) => r.map((cell) => cell.replace(/\|/g, '\\|')));
  const width = (s: string) => [...s].length;
  const widths = head.map((h, i) => Math.max(3, width(h), ...rows.map((r) => width(r[i]))));
  const pad = (s: string, i: number) =>
    align[i] === 'right'
      ? s.padStart(widths[i] - width(s) + s.length)
      : s.padEnd(widths[i] - width(s) + s.length);
  const line = (row: readonly string[]) => `| ${row.map(pad).join(' | ')} |`;
  const rule = `| ${widths.map((w, i) => (align[i] === 'right' ? `${'-'.repeat(w - 1)}:` : '-'.repeat(w))).join(' | ')} |`;
  return [line(head), rule, ...rows.map(line)].join('\n');
}

const latency = (ms: number | null) => (ms === null ? '–' : ms.toFixed(3));
const signed = (n: number, digits: number) => `${n > 0 ? '+' : ''}${n.toFixed(digits)}`;

/** Every scenario of every suite: scenario, kind, ops, ops/s, p50, p99, CPU ms/op. */
export function resultsTable(rows: readonly SummaryRow[]): string {
  return markdownTable(
    ['suite', 'scenario', 'kind', 'ops', 'ops/s', 'p50 ms', 'p99 ms', 'CPU ms/op'],
    ['left', 'left', 'left', 'right', 'right', 'right', 'right', 'right'],
    rows.map((r) => [
      r.suite,
      r.scenario,
      r.kind,
      String(r.operations),
      String(r.opsPerSecond),
      latency(r.p50Ms),
      latency(r.p99Ms),
      r.cpuMsPerOp.toFixed(4),
    ]),
  );
}

/** Gateway minus bare proxy, per route. */
export function overheadTable(overhead: readonly GatewayOverhead[]): string {
  return markdownTable(
    ['route', 'connections', 'Δ p50 ms', 'Δ p99 ms', 'Δ mean ms', 'Δ CPU ms/req', 'gateway ÷ bare ops/s'],
    ['left', 'right', 'right', 'right', 'right', 'right', 'right'],
    overhead.map((o) => [
      o.route,
      String(o.connections),
      signed(o.p50Ms, 3),
      signed(o.p99Ms, 3),
      signed(o.meanMs, 3),
      signed(o.cpuMsPerOp, 4),
      o.throughputRatio.toFixed(2),
    ]),
  );
}

/** When the suites ran, as one date or a span of dates (UTC, to the minute). */
export function runSpan(summary: {
  readonly date: string;
  readonly suites: readonly { readonly date: string }[];
}): string {
  const dates = summary.suites.map((s) => s.date).sort();
  const minute = (iso: string) => `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
  if (dates.length === 0) return minute(summary.date);
  const first = minute(dates[0]);
  const last = minute(dates[dates.length - 1]);
  return first === last ? first : `${first} – ${last.startsWith(first.slice(0, 10)) ? last.slice(11) : last}`;
}

const OVERHEAD_TITLE =
  'Gateway overhead over a bare Fastify proxy making the same gRPC calls (same backends, same run):';

/** The summary as text: the machine, the combined table, the overhead table and any warnings. */
export function renderSummary(summary: BenchSummary): string {
  const parts = [
    `Benchmarks run ${runSpan(summary)} on ${machineLine(summary.machine)}`,
    resultsTable(summary.rows),
  ];
  if (summary.overhead.length > 0) parts.push(OVERHEAD_TITLE, overheadTable(summary.overhead));
  if (summary.note) parts.push(`note: ${summary.note}`);
  if (summary.warnings.length > 0) parts.push(summary.warnings.map((w) => `warning: ${w}`).join('\n'));
  return `${parts.join('\n\n')}\n`;
}

/** What the README shows between its bench markers (Markdown). */
export function readmeBlock(summary: BenchSummary): string {
  const parts = [
    `Latest \`npm run bench\`: ${runSpan(summary)}, on ${machineLine(summary.machine)}.`,
    resultsTable(summary.rows),
  ];
  if (summary.overhead.length > 0) parts.push(OVERHEAD_TITLE, overheadTable(summary.overhead));
  if (summary.note) parts.push(`Note: ${summary.note}`);
  if (summary.warnings.length > 0) parts.push(summary.warnings.map((w) => `- Warning: ${w}.`).join('\n'));
  return parts.join('\n\n');
}

/** `text` with what lies between the bench markers replaced by `block`; throws without both. */
export function replaceBenchBlock(text: string, block: string): string {
  const start = text.indexOf(BENCH_BLOCK_START);
  const end = text.indexOf(BENCH_BLOCK_END);
  if (start < 0 || end < start) {
    throw new Error(`no ${BENCH_BLOCK_START} … ${BENCH_BLOCK_END} block to replace`);
  }
  return `${text.slice(0, start + BENCH_BLOCK_START.length)}\n\n${block}\n\n${text.slice(end)}`;
}
