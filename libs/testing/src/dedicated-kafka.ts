import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startKafkaBroker, stopKafkaBroker } from '@portcullis/local-stack';
import { freePort } from './environment';

export interface DedicatedKafka {
  readonly brokers: string[];
  /** Stops the broker (SIGTERM, SIGKILL after the grace period); data is kept. */
  stop(): Promise<void>;
  /** Starts it again on the same ports with the same data. */
  start(): Promise<void>;
  /** Stops it and deletes its data. */
  destroy(): Promise<void>;
}

/**
 * A broker of its own, for tests that stop and restart Kafka or need topics no other test wrote to.
 */
export async function startDedicatedKafka(): Promise<DedicatedKafka> {
  const options = {
    port: await freePort(),
    controllerPort: await freePort(),
    dir: mkdtempSync(join(tmpdir(), 'portcullis-kafka-')),
    heapMb: 384,
  };
  const brokers = [`127.0.0.1:${options.port}`];
  await startKafkaBroker(options);
  return {
    brokers,
    stop: async () => {
      await stopKafkaBroker(options.dir);
    },
    start: async () => {
      await startKafkaBroker(options);
    },
    destroy: async () => {
      await stopKafkaBroker(options.dir, 5000);
      rmSync(options.dir, { recursive: true, force: true });
    },
  };
}
