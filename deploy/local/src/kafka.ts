import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, openSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { cacheDir, REPO_ROOT, stateDir } from './paths';
import { livePidFrom, portOpen, stopProcess, waitFor } from './wait';

/** Pinned broker release; see docs/adr/0002-kafka-version.md. Keep in step with kafka/pom.xml. */
export const KAFKA_VERSION = '3.9.1';

const POM = join(REPO_ROOT, 'deploy/local/kafka/pom.xml');
const LOG4J = join(REPO_ROOT, 'deploy/local/kafka/log4j.properties');

export interface KafkaBrokerOptions {
  /** Client (PLAINTEXT) port. */
  readonly port: number;
  readonly controllerPort: number;
  /** Folder for data, config, log and pid of this broker. */
  readonly dir: string;
  readonly heapMb?: number;
}

export interface KafkaHandle {
  readonly brokers: string[];
  readonly source: 'KAFKA_BROKERS' | 'running' | 'started';
  readonly pid?: number;
}

/** Whether a Kafka broker answers metadata requests at `brokers`. */
export async function kafkaAnswers(brokers: string[], timeoutMs = 3000): Promise<boolean> {
  const kafka = new Kafka({
    brokers,
    clientId: 'portcullis-local',
    logLevel: logLevel.NOTHING,
    connectionTimeout: timeoutMs,
    retry: { retries: 0 },
  });
  const admin = kafka.admin();
  try {
    await admin.connect();
    const cluster = await admin.describeCluster();
    return cluster.brokers.length > 0;
  } catch {
    return false;
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

/** The broker's runtime classpath from Maven Central, cached outside the repository. */
export function ensureKafkaJars(
  env: NodeJS.ProcessEnv = process.env,
  log: (m: string) => void = () => undefined,
): string {
  const libs = join(cacheDir(env), `kafka-${KAFKA_VERSION}`, 'libs');
  if (existsSync(libs) && readdirSync(libs).some((f) => f.startsWith(`kafka_2.13-${KAFKA_VERSION}`)))
    return libs;
  log(`fetching Apache Kafka ${KAFKA_VERSION} jars from Maven Central (once) into ${libs}`);
  const partial = `${libs}.partial-${process.pid}`;
  rmSync(partial, { recursive: true, force: true });
  execFileSync(
    'mvn',
    [
      '-q',
      '-B',
      '-f',
      POM,
      'dependency:copy-dependencies',
      '-DincludeScope=runtime',
      `-DoutputDirectory=${partial}`,
    ],
    { stdio: ['ignore', 'inherit', 'inherit'] },
  );
  mkdirSync(join(libs, '..'), { recursive: true });
  try {
    renameSync(partial, libs);
  } catch (error) {
    // Another process finished first; its copy is as good as ours.
    rmSync(partial, { recursive: true, force: true });
    if (!existsSync(libs)) throw error;
  }
  return libs;
}

function java(): string {
  const home = process.env['JAVA_HOME'];
  return home ? join(home, 'bin', 'java') : 'java';
}

function serverProperties(o: KafkaBrokerOptions): string {
  return [
    'process.roles=broker,controller',
    'node.id=1',
    `controller.quorum.voters=1@127.0.0.1:${o.controllerPort}`,
    `listeners=PLAINTEXT://127.0.0.1:${o.port},CONTROLLER://127.0.0.1:${o.controllerPort}`,
    `advertised.listeners=PLAINTEXT://127.0.0.1:${o.port}`,
    'controller.listener.names=CONTROLLER',
    'inter.broker.listener.name=PLAINTEXT',
    'listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
    `log.dirs=${join(o.dir, 'data')}`,
    'num.partitions=3',
    'offsets.topic.replication.factor=1',
    'offsets.topic.num.partitions=10',
    'transaction.state.log.replication.factor=1',
    'transaction.state.log.min.isr=1',
    'group.initial.rebalance.delay.ms=0',
    'auto.create.topics.enable=true',
    '',
  ].join('\n');
}

/**
 * Starts a single combined broker/controller in KRaft mode as a detached process, formatting its
 * storage on first use, and waits until it answers. Reuses one already answering on the port.
 */
export async function startKafkaBroker(
  o: KafkaBrokerOptions,
  env: NodeJS.ProcessEnv = process.env,
  log: (m: string) => void = () => undefined,
): Promise<KafkaHandle> {
  const brokers = [`127.0.0.1:${o.port}`];
  if (await kafkaAnswers(brokers)) return { brokers, source: 'running' };
  if (await portOpen('127.0.0.1', o.port))
    throw new Error(`Port ${o.port} is taken by something that is not Kafka`);

  const libs = ensureKafkaJars(env, log);
  mkdirSync(o.dir, { recursive: true });
  const config = join(o.dir, 'server.properties');
  writeFileSync(config, serverProperties(o));
  const classpath = `${libs}/*`;
  if (!existsSync(join(o.dir, 'data', 'meta.properties'))) {
    const clusterId = execFileSync(java(), ['-cp', classpath, 'kafka.tools.StorageTool', 'random-uuid'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'], // log4j's start-up warnings are noise here
    })
      .trim()
      .split('\n')
      .pop()!
      .trim();
    execFileSync(
      java(),
      [
        '-cp',
        classpath,
        `-Dlog4j.configuration=file:${LOG4J}`,
        'kafka.tools.StorageTool',
        'format',
        '-t',
        clusterId,
        '-c',
        config,
      ],
      {
        stdio: 'ignore',
      },
    );
  }
  const out = openSync(join(o.dir, 'broker.log'), 'a');
  const child = spawn(
    java(),
    [
      `-Xmx${o.heapMb ?? 512}m`,
      `-Xms${Math.min(o.heapMb ?? 512, 256)}m`,
      '-XX:+UseG1GC',
      `-Dlog4j.configuration=file:${LOG4J}`,
      '-cp',
      classpath,
      'kafka.Kafka',
      config,
    ],
    { detached: true, stdio: ['ignore', out, out] },
  );
  child.unref();
  writeFileSync(join(o.dir, 'broker.pid'), String(child.pid));
  log(`Kafka ${KAFKA_VERSION} starting on 127.0.0.1:${o.port} (pid ${child.pid})`);
  await waitFor(`Kafka on 127.0.0.1:${o.port}`, () => kafkaAnswers(brokers), 90_000, 500);
  return { brokers, source: 'started', pid: child.pid };
}

/** Stops the broker started in `dir` (SIGTERM, then SIGKILL after `graceMs`). */
export async function stopKafkaBroker(dir: string, graceMs = 20_000): Promise<boolean> {
  const pidFile = join(dir, 'broker.pid');
  const pid = livePidFrom(pidFile);
  rmSync(pidFile, { force: true });
  if (!pid) return false;
  await stopProcess(pid, graceMs);
  return true;
}

export function localKafkaOptions(env: NodeJS.ProcessEnv = process.env): KafkaBrokerOptions {
  const port = Number(env['KAFKA_PORT'] ?? 9092);
  return {
    port,
    controllerPort: Number(env['KAFKA_CONTROLLER_PORT'] ?? port + 1),
    dir: env['KAFKA_DATA_DIR'] ?? join(stateDir(env), `kafka-${port}`),
  };
}

/** KAFKA_BROKERS when set (checked); else the native local broker, started when needed. */
export async function ensureKafka(
  env: NodeJS.ProcessEnv = process.env,
  log: (m: string) => void = () => undefined,
): Promise<KafkaHandle> {
  const configured = env['KAFKA_BROKERS'];
  if (configured) {
    const brokers = configured.split(',').map((b) => b.trim());
    await waitFor(`Kafka at KAFKA_BROKERS`, () => kafkaAnswers(brokers), 60_000, 500);
    return { brokers, source: 'KAFKA_BROKERS' };
  }
  return startKafkaBroker(localKafkaOptions(env), env, log);
}
