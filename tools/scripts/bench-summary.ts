// The last step of `npm run bench` (`npm run bench:summary`): one table of every scenario from
// bench-results/<suite>.json, printed and written to bench-results/summary.json with the machine.
// With --readme (`npm run bench:readme`) it also rewrites the README's block between
// <!-- bench:start --> and <!-- bench:end --> with that table (and BENCH_NOTE, if set).
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import {
  BENCH_RESULTS_DIR,
  BENCH_SUITES,
  currentMachine,
  readmeBlock,
  renderSummary,
  replaceBenchBlock,
  summarize,
} from '@portcullis/testing';

const README = resolve(__dirname, '../../README.md');

function readSuite(name: string): unknown {
  try {
    return JSON.parse(readFileSync(join(BENCH_RESULTS_DIR, `${name}.json`), 'utf8'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

const files = Object.fromEntries(BENCH_SUITES.map((name) => [name, readSuite(name)]));
// BENCH_NOTE: a sentence on the run for the table (what else the machine ran, a size changed).
const summary = summarize(
  files,
  currentMachine(),
  new Date(),
  process.env['BENCH_NOTE']?.trim() || undefined,
);
process.stdout.write(`\n${renderSummary(summary)}`);
mkdirSync(BENCH_RESULTS_DIR, { recursive: true });
writeFileSync(join(BENCH_RESULTS_DIR, 'summary.json'), `${JSON.stringify(summary, null, 2)}\n`);
process.stdout.write('\nwritten to bench-results/summary.json\n');

if (process.argv.includes('--readme')) {
  if (summary.rows.length === 0) throw new Error('no results to put in the README: run npm run bench');
  writeFileSync(README, replaceBenchBlock(readFileSync(README, 'utf8'), readmeBlock(summary)));
  process.stdout.write('README.md: bench block updated\n');
}
