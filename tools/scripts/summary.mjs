#!/usr/bin/env node
// Prints the plain closing line from the runners' JSON results: Jest's tests plus the
// non-Jest checks (format, lint, typecheck, proto) of test-results/checks.json.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const results = join(fileURLToPath(new URL('../..', import.meta.url)), 'test-results');
const read = (name) =>
  existsSync(join(results, name)) ? JSON.parse(readFileSync(join(results, name), 'utf8')) : undefined;

const jest = read('jest.json');
const checks = (read('checks.json') ?? []).filter((c) => c.name !== 'tests');

let passed = checks.filter((c) => c.passed).length;
let failed = checks.filter((c) => !c.passed).length;
let skipped = 0;
if (jest) {
  passed += jest.numPassedTests;
  failed += jest.numFailedTests + (jest.numRuntimeErrorTestSuites ?? 0);
  skipped += jest.numPendingTests + (jest.numTodoTests ?? 0);
} else {
  failed += 1; // the test run produced no results at all
}
process.stdout.write(`${passed} passed, ${failed} failed, ${skipped} skipped\n`);
