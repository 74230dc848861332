import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { Client } from 'pg';

/** Infrastructure found or started by the global setup (see global-setup.ts). */
export function testInfrastructure(): { databaseUrl: string; kafkaBrokers: string[] } {
  const databaseUrl = process.env['DATABASE_URL'];
  const brokers = process.env['KAFKA_BROKERS'];
  if (!databaseUrl || !brokers)
    throw new Error('DATABASE_URL and KAFKA_BROKERS are set by the integration global setup');
  return { databaseUrl, kafkaBrokers: brokers.split(',') };
}

/** A database name no other test uses: t_<random>_<service>. */
export function uniqueDatabaseName(service: string): string {
  return `t_${randomBytes(5).toString('hex')}_${service}`;
}

export const uniqueSuffix = () => randomBytes(4).toString('hex');

/** A TCP port that was free a moment ago. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

/** Runs one query against a service's database (tests read tables directly to prove effects). */
export async function queryDatabase<T = Record<string, unknown>>(
  serverUrl: string,
  database: string,
  sql: string,
  params: unknown[] = [],
): Promise<T[]> {
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  const client = new Client({ connectionString: url.toString() });
  await client.connect();
  try {
    return (await client.query(sql, params)).rows as T[];
  } finally {
    await client.end();
  }
}

/** Drops the databases tests created (names starting with t_), to keep the server tidy. */
export async function dropDatabases(serverUrl: string, names: readonly string[]): Promise<void> {
  const client = new Client({ connectionString: serverUrl });
  await client.connect();
  try {
    for (const name of names) {
      if (!/^t_[a-z0-9_]+$/.test(name)) continue;
      await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    }
  } finally {
    await client.end();
  }
}
