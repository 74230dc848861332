#!/usr/bin/env node
// `npm test`: every check and every test tier, on a fresh clone too.
//   format, lint, typecheck, proto (buf lint + breaking + generation current), deploy (the Helm
//   chart and the image's build step, tools/scripts/helm-check.mjs), then Jest's unit,
//   integration and e2e tiers against real PostgreSQL and Kafka (found or started by the Jest
//   global setup, the same code as `npm start`).
// Every step runs even when an earlier one failed; results go to test-results/, and the last line
// is the plain summary `N passed, N failed, N skipped`.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const results = join(root, 'test-results');
mkdirSync(results, { recursive: true });

if (!existsSync(join(root, 'node_modules', '.package-lock.json'))) {
  execFileSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: root, stdio: 'inherit' });
}

const bin = (name) => join(root, 'node_modules', '.bin', name);
const ci = process.env.CI === 'true';
const jestArgs = [
  '--ci',
  '--json',
  `--outputFile=${join(results, 'jest.json')}`,
  '--maxWorkers=2',
  ...(ci ? ['--forceExit'] : []),
  ...process.argv.slice(2),
];

const steps = [
  ['format', bin('prettier'), ['--check', '.']],
  ['lint', bin('eslint'), ['.', '--max-warnings=0']],
  ['typecheck', bin('tsc'), ['-p', 'tsconfig.json', '--noEmit']],
  ['proto', process.execPath, [join(root, 'tools/scripts/proto-check.mjs')]],
  // helm lint and template of the chart, the rendered manifests and the image's build step.
  ['deploy', process.execPath, [join(root, 'tools/scripts/helm-check.mjs')]],
  ['tests', bin('jest'), jestArgs],
];

// The Nx module-boundary lint rule reads the cached project graph; a fresh clone has none, and
// the rule would silently skip itself. Computing the graph first makes the rule run.
spawnSync(bin('nx'), ['show', 'projects'], {
  cwd: root,
  stdio: 'ignore',
  env: { ...process.env, NX_DAEMON: 'false' },
});

const checks = [];
for (const [name, command, args] of steps) {
  const started = Date.now();
  process.stdout.write(`\n=== ${name} ===\n`);
  const { status } = spawnSync(command, args, { cwd: root, stdio: 'inherit' });
  checks.push({ name, passed: status === 0, seconds: Math.round((Date.now() - started) / 100) / 10 });
}
writeFileSync(join(results, 'checks.json'), JSON.stringify(checks, null, 2));

process.stdout.write('\n');
for (const c of checks) process.stdout.write(`${c.passed ? 'ok  ' : 'FAIL'} ${c.name} (${c.seconds} s)\n`);
const summary = spawnSync(process.execPath, [join(root, 'tools/scripts/summary.mjs')], {
  cwd: root,
  encoding: 'utf8',
});
process.stdout.write(summary.stdout);
process.exit(checks.every((c) => c.passed) ? 0 : 1);
