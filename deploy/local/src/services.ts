import { spawn } from 'node:child_process';
import { mkdirSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { protoPath as healthProtoPath } from 'grpc-health-check';
import { REPO_ROOT, stateDir } from './paths';
import { livePidFrom, stopProcess, waitFor } from './wait';

export type ServiceName = 'identity' | 'factors' | 'delivery' | 'risk' | 'audit' | 'gateway';

/** Ports of the native stack; docker-compose.yml uses the same ones. */
export const SERVICE_PORTS: Record<ServiceName, number> = {
  identity: 50061,
  factors: 50062,
  delivery: 50063,
  risk: 50064,
  audit: 50065,
  gateway: 50051,
};
export const GATEWAY_HTTP_PORT = 8080;

/** Start order: the gateway last, after the services it calls. */
export const SERVICES: readonly ServiceName[] = [
  'identity',
  'factors',
  'delivery',
  'risk',
  'audit',
  'gateway',
];

export interface StackEnv {
  readonly databaseUrl: string;
  readonly kafkaBrokers: string[];
  readonly adminToken: string;
  /** Generated once per checkout (see cli.ts); settings in the environment win. */
  readonly secrets: Readonly<Record<string, string>>;
}

/** Which generated secrets each service receives. */
const SECRETS_OF: Partial<Record<ServiceName, readonly string[]>> = {
  identity: ['IDENTITY_HASH_KEY'],
  factors: ['FACTORS_ENCRYPTION_KEYS', 'FACTORS_HASH_KEY', 'CODE_TRANSPORT_KEYS'],
  delivery: ['CODE_TRANSPORT_KEYS', 'DELIVERY_HASH_KEY'],
  gateway: ['GATEWAY_API_KEY_PEPPER', 'GATEWAY_SIGNING_KEYS'],
};

export function serviceEnv(
  service: ServiceName,
  stack: StackEnv,
  base: NodeJS.ProcessEnv = process.env,
): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...base,
    NODE_ENV: base['NODE_ENV'] ?? 'development',
    GRPC_PORT: String(SERVICE_PORTS[service]),
  };
  if (service === 'gateway') {
    env['HTTP_PORT'] = String(GATEWAY_HTTP_PORT);
    env['IDENTITY_GRPC_URL'] = `127.0.0.1:${SERVICE_PORTS.identity}`;
    env['AUDIT_GRPC_URL'] = `127.0.0.1:${SERVICE_PORTS.audit}`;
    env['FACTORS_GRPC_URL'] = `127.0.0.1:${SERVICE_PORTS.factors}`;
    env['RISK_GRPC_URL'] = `127.0.0.1:${SERVICE_PORTS.risk}`;
    env['GATEWAY_ADMIN_TOKEN'] = stack.adminToken;
  }
  env['DATABASE_URL'] = stack.databaseUrl;
  env['KAFKA_BROKERS'] = stack.kafkaBrokers.join(',');
  for (const name of SECRETS_OF[service] ?? []) {
    const value = base[name] ?? stack.secrets[name];
    if (value) env[name] = value;
  }
  return env;
}

export const mainOf = (service: ServiceName) => join(REPO_ROOT, 'apps', service, 'src', 'main.ts');

/** node with the TypeScript loader, as every service runs (see docs/adr/0003-runtime.md). */
export function nodeArgs(service: ServiceName, extra: string[] = []): string[] {
  return ['--enable-source-maps', '-r', '@swc-node/register', mainOf(service), ...extra];
}

const pidFile = (service: ServiceName, env: NodeJS.ProcessEnv) =>
  join(stateDir(env), 'run', `${service}.pid`);
export const logFile = (service: ServiceName, env: NodeJS.ProcessEnv = process.env) =>
  join(stateDir(env), 'logs', `${service}.log`);

export function runningPid(service: ServiceName, env: NodeJS.ProcessEnv = process.env): number | undefined {
  return livePidFrom(pidFile(service, env));
}

/**
 * The grpc.health.v1 name a service reports liveness under (@portcullis/grpc LIVENESS_SERVICE);
 * "" and each gRPC service name report readiness (its database and Kafka answer, not draining).
 */
export const LIVENESS_HEALTH_SERVICE = 'portcullis.liveness';

/**
 * Asks grpc.health.v1 of a service (by default "", readiness); resolves SERVING, NOT_SERVING, …
 * or UNREACHABLE.
 */
export function grpcHealth(port: number, timeoutMs = 1000, service = ''): Promise<string> {
  const definition = grpc.loadPackageDefinition(loadSync(healthProtoPath, { enums: String })) as unknown as {
    grpc: {
      health: {
        v1: {
          Health: new (
            address: string,
            credentials: grpc.ChannelCredentials,
          ) => grpc.Client & {
            check(req: object, opts: object, cb: (e: Error | null, r?: { status: string }) => void): void;
          };
        };
      };
    };
  };
  const client = new definition.grpc.health.v1.Health(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
  return new Promise((resolve) => {
    client.check({ service }, { deadline: Date.now() + timeoutMs }, (error, response) => {
      client.close();
      resolve(error ? 'UNREACHABLE' : (response?.status ?? 'UNKNOWN'));
    });
  });
}

export async function startService(
  service: ServiceName,
  stack: StackEnv,
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  const existing = runningPid(service, env);
  const serving = async (name = '') => (await grpcHealth(SERVICE_PORTS[service], 1000, name)) === 'SERVING';
  if (existing && ((await serving()) || (await serving(LIVENESS_HEALTH_SERVICE)))) {
    // Already running: ready once its database and Kafka answer (they may have just started).
    await waitFor(`${service} to report SERVING (log: ${logFile(service, env)})`, serving, 90_000, 300);
    return existing;
  }
  mkdirSync(join(stateDir(env), 'run'), { recursive: true });
  mkdirSync(join(stateDir(env), 'logs'), { recursive: true });
  const out = openSync(logFile(service, env), 'a');
  const child = spawn(process.execPath, nodeArgs(service), {
    cwd: REPO_ROOT,
    env: serviceEnv(service, stack, env),
    detached: true,
    stdio: ['ignore', out, out],
  });
  child.unref();
  writeFileSync(pidFile(service, env), String(child.pid));
  await waitFor(
    `${service} to report SERVING (log: ${logFile(service, env)})`,
    async () => {
      if (!runningPid(service, env)) throw new Error(`${service} exited; see ${logFile(service, env)}`);
      return (await grpcHealth(SERVICE_PORTS[service])) === 'SERVING';
    },
    90_000,
    300,
  );
  return child.pid!;
}

export async function stopService(
  service: ServiceName,
  env: NodeJS.ProcessEnv = process.env,
): Promise<boolean> {
  const pid = runningPid(service, env);
  rmSync(pidFile(service, env), { force: true });
  if (!pid) return false;
  await stopProcess(pid, 10_000);
  return true;
}
