/* Native local stack: `npm start` (up), `npm stop` (down), `npm run status`, `npm run migrate`. */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateKeyRingEntry, generateSigningKeyEntry } from '@portcullis/crypto';
import { ensureKafka, localKafkaOptions, stopKafkaBroker } from './kafka';
import { REPO_ROOT, stateDir } from './paths';
import { ensurePostgres } from './postgres';
import {
  GATEWAY_HTTP_PORT,
  grpcHealth,
  LIVENESS_HEALTH_SERVICE,
  nodeArgs,
  runningPid,
  SERVICE_PORTS,
  SERVICES,
  serviceEnv,
  type StackEnv,
  startService,
  stopService,
} from './services';

const say = (message: string) => process.stdout.write(`portcullis-local: ${message}\n`);

/** GATEWAY_ADMIN_TOKEN when set, else one generated once for this checkout. */
function adminToken(): string {
  const fromEnv = process.env['GATEWAY_ADMIN_TOKEN'];
  if (fromEnv) return fromEnv;
  const file = join(stateDir(), 'admin-token');
  if (!existsSync(file)) {
    mkdirSync(stateDir(), { recursive: true });
    writeFileSync(file, randomBytes(32).toString('base64url'), { mode: 0o600 });
  }
  return readFileSync(file, 'utf8').trim();
}

/** Service secrets generated once for this checkout (mode 0600), for development only. */
function localSecrets(): Record<string, string> {
  const file = join(stateDir(), 'secrets.json');
  if (!existsSync(file)) {
    mkdirSync(stateDir(), { recursive: true });
    const secrets = {
      IDENTITY_HASH_KEY: randomBytes(32).toString('base64url'),
      FACTORS_ENCRYPTION_KEYS: generateKeyRingEntry('local1'),
      FACTORS_HASH_KEY: randomBytes(32).toString('base64url'),
      CODE_TRANSPORT_KEYS: generateKeyRingEntry('local1'),
      DELIVERY_HASH_KEY: randomBytes(32).toString('base64url'),
      GATEWAY_API_KEY_PEPPER: randomBytes(32).toString('base64url'),
      GATEWAY_SIGNING_KEYS: generateSigningKeyEntry('local1'),
    };
    writeFileSync(file, JSON.stringify(secrets, null, 2), { mode: 0o600 });
  }
  const secrets = JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>;
  // A checkout from before delivery (identity, the gateway) had secrets gets the missing ones added.
  const generators: Record<string, () => string> = {
    DELIVERY_HASH_KEY: () => randomBytes(32).toString('base64url'),
    IDENTITY_HASH_KEY: () => randomBytes(32).toString('base64url'),
    GATEWAY_API_KEY_PEPPER: () => randomBytes(32).toString('base64url'),
    GATEWAY_SIGNING_KEYS: () => generateSigningKeyEntry('local1'),
  };
  const missing = Object.keys(generators).filter((name) => !secrets[name]);
  for (const name of missing) secrets[name] = generators[name]();
  if (missing.length > 0) writeFileSync(file, JSON.stringify(secrets, null, 2), { mode: 0o600 });
  return secrets;
}

async function infrastructure(): Promise<StackEnv> {
  const pg = await ensurePostgres(process.env, say);
  say(`PostgreSQL: ${pg.url.replace(/:[^:@/]+@/, ':***@')} (${pg.source})`);
  const kafka = await ensureKafka(process.env, say);
  say(`Kafka: ${kafka.brokers.join(',')} (${kafka.source})`);
  return {
    databaseUrl: pg.url,
    kafkaBrokers: kafka.brokers,
    adminToken: adminToken(),
    secrets: localSecrets(),
  };
}

/** The migrate step of every service with a database, in parallel (each owns its database). */
async function migrate(stack: StackEnv): Promise<void> {
  const results = await Promise.all(
    SERVICES.map(
      (service) =>
        new Promise<number | null>((resolve) => {
          const child = spawn(process.execPath, nodeArgs(service, ['migrate']), {
            cwd: REPO_ROOT,
            env: serviceEnv(service, stack),
            stdio: ['ignore', 'inherit', 'inherit'],
          });
          child.once('exit', (code) => resolve(code));
        }),
    ),
  );
  const failed = SERVICES.filter((_, i) => results[i] !== 0);
  if (failed.length > 0) throw new Error(`migrations failed: ${failed.join(', ')}`);
}

async function up(): Promise<void> {
  const started = Date.now();
  const stack = await infrastructure();
  await migrate(stack);
  // The five back-end services start together; the gateway, which calls them, last.
  const start = async (service: (typeof SERVICES)[number]) => {
    const pid = await startService(service, stack);
    say(`${service.padEnd(8)} SERVING on 127.0.0.1:${SERVICE_PORTS[service]} (pid ${pid})`);
  };
  await Promise.all(SERVICES.filter((s) => s !== 'gateway').map(start));
  await start('gateway');
  say(`up in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  say(`HTTP API: http://127.0.0.1:${GATEWAY_HTTP_PORT}   gRPC API: 127.0.0.1:${SERVICE_PORTS.gateway}`);
  say(`admin token: stored in ${join(stateDir(), 'admin-token')} (or GATEWAY_ADMIN_TOKEN); try:`);
  say(
    `  curl -s -XPOST localhost:${GATEWAY_HTTP_PORT}/v1/tenants -H "authorization: Bearer $(cat .local/admin-token)" -H 'content-type: application/json' -d '{"name":"Acme"}'`,
  );
  say(`logs: ${join(stateDir(), 'logs')}   stop: npm stop`);
}

async function down(): Promise<void> {
  for (const service of [...SERVICES].reverse()) {
    if (await stopService(service)) say(`${service} stopped`);
  }
  if (!process.env['KAFKA_BROKERS'] && (await stopKafkaBroker(localKafkaOptions().dir))) say('Kafka stopped');
  say('PostgreSQL is left as it was (a system service)');
}

async function status(): Promise<void> {
  for (const service of SERVICES) {
    const ready = await grpcHealth(SERVICE_PORTS[service]);
    // Not ready yet alive: its database or Kafka does not answer (its log names which).
    const alive =
      ready === 'NOT_SERVING' &&
      (await grpcHealth(SERVICE_PORTS[service], 1000, LIVENESS_HEALTH_SERVICE)) === 'SERVING';
    say(
      `${service.padEnd(8)} ${ready.padEnd(12)} ${alive ? '(alive, not ready) ' : ''}pid ${runningPid(service) ?? '-'}`,
    );
  }
}

const commands: Record<string, () => Promise<void>> = {
  up,
  down,
  status,
  infra: async () => {
    const stack = await infrastructure();
    process.stdout.write(
      `DATABASE_URL=${stack.databaseUrl}\nKAFKA_BROKERS=${stack.kafkaBrokers.join(',')}\n`,
    );
  },
  migrate: async () => migrate(await infrastructure()),
};

const command = commands[process.argv[2] ?? 'up'];
if (!command) {
  process.stderr.write(`usage: portcullis-local ${Object.keys(commands).join('|')}\n`);
  process.exit(2);
}
command().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`portcullis-local: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
