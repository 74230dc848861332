#!/usr/bin/env node
// Contract checks: buf lint, buf breaking against the previous commit (or PROTO_BREAKING_AGAINST),
// and a fresh generation compared with what is committed in libs/contracts/src/gen.
import { execFileSync, spawnSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdtempSync,
  symlinkSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const proto = join(root, 'proto');
const buf = join(root, 'node_modules', '.bin', 'buf');
let failed = false;

function step(name, fn) {
  try {
    fn();
    process.stdout.write(`proto: ${name} ok\n`);
  } catch (error) {
    failed = true;
    process.stdout.write(
      `proto: ${name} FAILED\n${error.stdout ?? ''}${error.stderr ?? ''}${error.message ?? ''}\n`,
    );
  }
}

const run = (args, cwd = proto) =>
  execFileSync(buf, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

step('lint', () => run(['lint']));

step('breaking', () => {
  let against = process.env.PROTO_BREAKING_AGAINST;
  if (!against) {
    const parent = spawnSync('git', ['rev-parse', '--verify', '--quiet', 'HEAD~1'], {
      cwd: root,
      encoding: 'utf8',
    });
    const sha = parent.stdout.trim();
    const hadProto =
      sha && spawnSync('git', ['cat-file', '-e', `${sha}:proto/buf.yaml`], { cwd: root }).status === 0;
    if (!hadProto) {
      process.stdout.write('proto: breaking skipped (no earlier commit with proto/)\n');
      return;
    }
    against = `${join(root, '.git')}#ref=${sha},subdir=proto`;
  }
  run(['breaking', '--against', against]);
});

function files(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : [path];
  });
}

step('generated code is current', () => {
  const committed = join(root, 'libs/contracts/src/gen');
  // Generate in a scratch copy laid out like the repository (buf.gen.yaml writes to ../libs/...).
  const out = mkdtempSync(join(tmpdir(), 'portcullis-gen-'));
  try {
    cpSync(proto, join(out, 'proto'), { recursive: true });
    symlinkSync(join(root, 'node_modules'), join(out, 'node_modules'), 'dir');
    run(['generate'], join(out, 'proto'));
    const fresh = join(out, 'libs/contracts/src/gen');
    const a = files(committed)
      .map((f) => relative(committed, f))
      .sort();
    const b = existsSync(fresh)
      ? files(fresh)
          .map((f) => relative(fresh, f))
          .sort()
      : [];
    const stale = [
      ...a.filter((f) => !b.includes(f)),
      ...b.filter(
        (f) => !a.includes(f) || !readFileSync(join(fresh, f)).equals(readFileSync(join(committed, f))),
      ),
    ];
    if (stale.length > 0)
      throw new Error(`stale generated files (run npm run proto:gen): ${[...new Set(stale)].join(', ')}`);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});

process.exit(failed ? 1 : 0);
