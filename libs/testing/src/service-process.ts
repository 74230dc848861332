import { type ChildProcess, spawn } from 'node:child_process';
import { grpcHealth, nodeArgs, REPO_ROOT, type ServiceName, waitFor } from '@portcullis/local-stack';

export interface ServiceProcess {
  readonly service: ServiceName;
  readonly grpcPort: number;
  readonly child: ChildProcess;
  /** Everything the process wrote, for assertions on logs (e.g. no secrets). */
  output(): string;
  /** SIGTERM and wait (graceful). */
  stop(): Promise<void>;
  /** SIGKILL and wait (a crash). */
  kill(): Promise<void>;
  /** Resolves with the exit code or signal once the process ended. */
  exited(): Promise<number | string | null>;
}

/**
 * Starts a service as its own process, exactly as in production (`main.ts` with the given
 * settings), and waits until grpc.health.v1 reports SERVING for "" (ready: listening, its
 * database and Kafka answer). Black-box tests use this.
 */
export async function startServiceProcess(
  service: ServiceName,
  env: Record<string, string>,
  { waitForHealth = true, timeoutMs = 60_000 }: { waitForHealth?: boolean; timeoutMs?: number } = {},
): Promise<ServiceProcess> {
  const grpcPort = Number(env['GRPC_PORT']);
  const child = spawn(process.execPath, nodeArgs(service), {
    cwd: REPO_ROOT,
    env: {
      PATH: process.env['PATH'] ?? '',
      NODE_ENV: 'test',
      LOG_LEVEL: 'info',
      OTEL_ENABLED: 'false',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exit = new Promise<number | string | null>((resolve) =>
    child.once('exit', (code, signal) => resolve(code ?? signal)),
  );
  let ended = false;
  void exit.then(() => (ended = true));

  const handle: ServiceProcess = {
    service,
    grpcPort,
    child,
    output: () => output,
    exited: () => exit,
    async stop() {
      if (!ended) child.kill('SIGTERM');
      // A service that does not finish its graceful shutdown in time is killed, so no process
      // outlives its test (and, say, stays in a consumer group of the next run).
      const timer = setTimeout(() => {
        if (!ended) child.kill('SIGKILL');
      }, 15_000);
      await exit;
      clearTimeout(timer);
    },
    async kill() {
      if (!ended) child.kill('SIGKILL');
      await exit;
    },
  };
  if (waitForHealth) {
    try {
      await waitFor(
        `${service} SERVING on ${grpcPort}`,
        async () => {
          if (ended) throw new Error(`${service} exited during start:\n${output.slice(-4000)}`);
          return (await grpcHealth(grpcPort)) === 'SERVING';
        },
        timeoutMs,
        200,
      );
    } catch (error) {
      await handle.kill();
      throw error;
    }
  }
  return handle;
}

/** Re-exported for black-box tests, which may use the local stack only through this library. */
export { grpcHealth, LIVENESS_HEALTH_SERVICE, type ServiceName } from '@portcullis/local-stack';
