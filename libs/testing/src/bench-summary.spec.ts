import { type BenchResult, benchSize } from './bench';
import {
  BENCH_BLOCK_END,
  BENCH_BLOCK_START,
  type MachineInfo,
  markdownTable,
  overheadOf,
  parseSuite,
  readmeBlock,
  renderSummary,
  replaceBenchBlock,
  resultsTable,
  runSpan,
  shortMachineName,
  summarize,
} from './bench-summary';

const machine: MachineInfo = {
  cpuModel: 'Test CPU @ 2.50GHz',
  cores: 2,
  memoryGiB: 24,
  node: 'v20.20.2',
  os: 'Linux 6.1',
};
const now = new Date('2025-06-01T12:30:00.000Z');

const row = (over: Partial<BenchResult> = {}): BenchResult => ({
  scenario: 'TOTP verify',
  kind: 'measured',
  operations: 1000,
  opsPerSecond: 5000,
  p50Ms: 0.12,
  p99Ms: 0.9,
  cpuMsPerOp: 0.05,
  ...over,
});

const suite = (results: BenchResult[], over: Record<string, unknown> = {}) => ({
  machine: shortMachineName(machine),
  date: '2025-06-01T12:00:00.000Z',
  results,
  ...over,
});

/** Every suite present, one row each, all from this machine and this hour. */
const allSuites = (): Record<string, unknown> => ({
  factors: suite([row({ scenario: 'factors row' })]),
  delivery: suite([row({ scenario: 'delivery row', p50Ms: null, p99Ms: null })]),
  risk: suite([row({ scenario: 'risk row' })]),
  audit: suite([row({ scenario: 'audit row' })]),
  gateway: suite([row({ scenario: 'gateway row' })], { date: '2025-06-01T12:20:00.000Z' }),
  overhead: suite([row({ scenario: 'overhead row' })], {
    overhead: [
      {
        route: 'GET /v1/users/{id}',
        connections: 16,
        p50Ms: 0.4,
        p99Ms: 1.2,
        meanMs: 0.5,
        cpuMsPerOp: 0.3,
        throughputRatio: 0.8,
      },
    ],
  }),
});

describe('summarize', () => {
  it('lists every suite’s rows in the order npm run bench runs them, with no warning for one run', () => {
    const files = allSuites();
    const summary = summarize(
      { overhead: files['overhead'], factors: files['factors'], ...files },
      machine,
      now,
    );

    expect(summary.rows.map((r) => [r.suite, r.scenario])).toEqual([
      ['factors', 'factors row'],
      ['delivery', 'delivery row'],
      ['risk', 'risk row'],
      ['audit', 'audit row'],
      ['gateway', 'gateway row'],
      ['overhead', 'overhead row'],
    ]);
    expect(summary.overhead).toHaveLength(1);
    expect(summary.machine).toEqual(machine);
    expect(summary.date).toBe(now.toISOString());
    expect(summary.warnings).toEqual([]);
  });

  it('warns of a missing suite, another machine, a quick run and results from another day', () => {
    const files = allSuites();
    delete files['audit'];
    files['risk'] = suite([row()], { machine: '64 × Big Iron, Node v22.0.0' });
    files['delivery'] = suite([row()], { quick: true });
    files['overhead'] = suite([row()], { quick: true });
    files['factors'] = suite([row()], { date: '2025-05-20T08:00:00.000Z' });

    const { warnings } = summarize(files, machine, now);

    expect(warnings).toEqual([
      `risk ran on 64 × Big Iron, Node v22.0.0, not on this machine (${shortMachineName(machine)})`,
      'no bench-results/audit.json: run npm run bench:audit',
      'delivery, overhead ran at BENCH_QUICK=1 sizes: the numbers mean little',
      'factors is from 2025-05-20T08:00:00.000Z, over a day before the newest suite',
    ]);
  });

  it('refuses a file it cannot read rather than printing a wrong table', () => {
    const legacy = {
      ...suite([]),
      results: [{ scenario: 'x', kind: 'measured', messages: 1, perSecond: 2 }],
    };
    expect(() => summarize({ ...allSuites(), delivery: legacy }, machine, now)).toThrow(
      'bench-results/delivery.json: result 0 is not {scenario, kind, operations, opsPerSecond, …}',
    );
    expect(() => parseSuite('risk', [])).toThrow('bench-results/risk.json: not a JSON object');
    expect(() => parseSuite('risk', { ...suite([]), date: 'yesterday' })).toThrow('no machine or date');
    expect(() => parseSuite('overhead', suite([], { overhead: [{ route: 'x' }] }))).toThrow(
      'overhead is not',
    );
  });
});

describe('markdownTable', () => {
  it('pads cells as Prettier does, right-aligns numbers and escapes pipes', () => {
    expect(
      markdownTable(
        ['scenario', 'ops/s'],
        ['left', 'right'],
        [
          ['a → b', '12'],
          ['x | y', '3456'],
        ],
      ),
    ).toBe(
      ['| scenario | ops/s |', '| -------- | ----: |', '| a → b    |    12 |', '| x \\| y   |  3456 |'].join(
        '\n',
      ),
    );
  });

  it('shows a latency that was not measured as a dash', () => {
    const table = resultsTable([{ suite: 'delivery', ...row({ p50Ms: null, p99Ms: null }) }]);
    expect(table.split('\n')[2]).toBe(
      '| delivery | TOTP verify | measured | 1000 |  5000 |      – |      – |    0.0500 |',
    );
  });
});

describe('overheadOf', () => {
  it('is the gateway minus the bare proxy, and the ratio of their throughputs', () => {
    const bare = { result: row({ opsPerSecond: 2000, p50Ms: 1.5, p99Ms: 4, cpuMsPerOp: 0.3 }), meanMs: 1.7 };
    const gateway = {
      result: row({ opsPerSecond: 1500, p50Ms: 2.25, p99Ms: 6.5, cpuMsPerOp: 0.75 }),
      meanMs: 2.5,
    };

    expect(overheadOf('GET /v1/users/{id}', 16, bare, gateway)).toEqual({
      route: 'GET /v1/users/{id}',
      connections: 16,
      p50Ms: 0.75,
      p99Ms: 2.5,
      meanMs: 0.8,
      cpuMsPerOp: 0.45,
      throughputRatio: 0.75,
    });
  });

  it('refuses a side without latencies', () => {
    const side = { result: row({ p50Ms: null }), meanMs: 1 };
    expect(() => overheadOf('r', 1, side, side)).toThrow('TOTP verify: no p50Ms to compare');
  });
});

describe('the README block', () => {
  const readme = [
    '# Portcullis',
    '',
    BENCH_BLOCK_START,
    '',
    'an older table',
    '',
    BENCH_BLOCK_END,
    '',
    'After the block.',
  ].join('\n');

  it('replaces only what lies between the markers, and again on the next run', () => {
    const summary = summarize(allSuites(), machine, now);
    const block = readmeBlock(summary);

    const once = replaceBenchBlock(readme, block);
    expect(once).toBe(
      ['# Portcullis', '', BENCH_BLOCK_START, '', block, '', BENCH_BLOCK_END, '', 'After the block.'].join(
        '\n',
      ),
    );
    expect(replaceBenchBlock(once, block)).toBe(once);
    expect(once).not.toContain('an older table');
  });

  it('names the run and the machine, and shows both tables', () => {
    const block = readmeBlock(summarize(allSuites(), machine, now));

    expect(block.split('\n')[0]).toBe(
      'Latest `npm run bench`: 2025-06-01 12:00 UTC – 12:20 UTC, on 2 × Test CPU @ 2.50GHz, 24 GiB, Node v20.20.2, Linux 6.1.',
    );
    expect(block).toContain('| overhead | overhead row |');
    expect(block).toContain('| GET /v1/users/{id} |          16 |   +0.400 |   +1.200 |');
    expect(block).not.toContain('Warning');
  });

  it('carries the warnings into the README and the printed summary', () => {
    const files = allSuites();
    delete files['audit'];
    const summary = summarize(files, machine, now);

    expect(readmeBlock(summary)).toContain(
      '- Warning: no bench-results/audit.json: run npm run bench:audit.',
    );
    expect(renderSummary(summary)).toContain('warning: no bench-results/audit.json');
  });

  it('carries the note of whoever ran it', () => {
    const summary = summarize(allSuites(), machine, now, 'other tests ran at the same time.');

    expect(readmeBlock(summary)).toContain('\n\nNote: other tests ran at the same time.');
    expect(renderSummary(summary)).toContain('note: other tests ran at the same time.');
    expect(readmeBlock(summarize(allSuites(), machine, now))).not.toContain('Note:');
  });

  it('is refused without both markers', () => {
    expect(() => replaceBenchBlock('# Portcullis', 'x')).toThrow('no <!-- bench:start -->');
    expect(() => replaceBenchBlock(`${BENCH_BLOCK_END}\n${BENCH_BLOCK_START}`, 'x')).toThrow();
  });
});

describe('runSpan', () => {
  it('is one minute, a span within a day, or a span over days', () => {
    const at = (...dates: string[]) => ({ date: now.toISOString(), suites: dates.map((date) => ({ date })) });
    expect(runSpan(at('2025-06-01T12:00:10Z', '2025-06-01T12:00:50Z'))).toBe('2025-06-01 12:00 UTC');
    expect(runSpan(at('2025-06-01T23:50:00Z', '2025-06-02T00:40:00Z'))).toBe(
      '2025-06-01 23:50 UTC – 2025-06-02 00:40 UTC',
    );
    expect(runSpan(at())).toBe('2025-06-01 12:30 UTC');
  });
});

describe('benchSize', () => {
  it('takes the variable, else the quick size under BENCH_QUICK=1, else the full size', () => {
    expect(benchSize('BENCH_OPS', 1000, 10, { BENCH_OPS: '55' })).toBe(55);
    expect(benchSize('BENCH_OPS', 1000, 10, { BENCH_QUICK: '1', BENCH_OPS: '55' })).toBe(55);
    expect(benchSize('BENCH_OPS', 1000, 10, { BENCH_QUICK: '1' })).toBe(10);
    expect(benchSize('BENCH_OPS', 1000, 10, {})).toBe(1000);
    expect(() => benchSize('BENCH_OPS', 1000, 10, { BENCH_OPS: 'lots' })).toThrow('BENCH_OPS must be');
  });
});
