#!/usr/bin/env node
// Bootstrap of the native local stack, written in plain JavaScript so it runs on a fresh clone:
// installs what is missing (npm dependencies; Java 17 and Maven from Debian's packages when root),
// then hands over to deploy/local/src/cli.ts.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '../../..');
const say = (m) => process.stdout.write(`portcullis-local: ${m}\n`);
const has = (cmd) => spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;

const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 20 || (major === 20 && minor < 19)) {
  process.stderr.write(`Node.js 20.19 or newer is required (found ${process.versions.node})\n`);
  process.exit(1);
}

if (!existsSync(join(root, 'node_modules', '.package-lock.json'))) {
  say('installing npm dependencies (npm ci)');
  execFileSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: root, stdio: 'inherit' });
}

const command = process.argv[2] ?? 'up';
const needsKafka = ['up', 'infra', 'migrate'].includes(command) && !process.env.KAFKA_BROKERS;
if (needsKafka && !(has('java') && has('mvn'))) {
  if (process.getuid?.() === 0 && has('apt-get')) {
    say('installing Java 17 and Maven from Debian packages (needed to run Kafka natively)');
    execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit' });
    execFileSync('apt-get', ['install', '-y', '-qq', 'openjdk-17-jre-headless', 'maven'], {
      stdio: 'inherit',
    });
  } else {
    process.stderr.write(
      'Kafka runs natively with Java 17+ and Maven: install them, set KAFKA_BROKERS, or use docker compose\n',
    );
    process.exit(1);
  }
}

const result = spawnSync(
  process.execPath,
  ['-r', '@swc-node/register', join(root, 'deploy/local/src/cli.ts'), ...process.argv.slice(2)],
  {
    cwd: root,
    stdio: 'inherit',
  },
);
process.exit(result.status ?? 1);
