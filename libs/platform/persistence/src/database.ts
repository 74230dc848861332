import { Client } from 'pg';
import { DataSource, type EntitySchema, type MixedList } from 'typeorm';

/** postgres://…/<any> + database name → a URL of that database on the same server. */
export function databaseUrl(serverUrl: string, database: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

const DATABASE_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * Creates the service's own database when it does not exist yet (each service owns one
 * database; none reads another's). Safe to call concurrently from several instances.
 */
export async function ensureDatabase(serverUrl: string, database: string): Promise<void> {
  if (!DATABASE_NAME.test(database)) throw new Error(`Invalid database name: ${database}`);
  const client = new Client({ connectionString: serverUrl });
  await client.connect();
  try {
    const existing = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (existing.rowCount === 0) {
      try {
        await client.query(`CREATE DATABASE "${database}"`);
      } catch (error) {
        // 42P04 duplicate_database / 23505: another instance created it first.
        const code = (error as { code?: string }).code;
        if (code !== '42P04' && code !== '23505') throw error;
      }
    }
  } finally {
    await client.end();
  }
}

export interface DataSourceSettings {
  readonly serverUrl: string;
  readonly database: string;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  readonly entities: MixedList<Function | string | EntitySchema>;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  readonly migrations: MixedList<Function | string>;
  readonly poolSize?: number;
  readonly applicationName?: string;
}

/** A TypeORM data source of one service's database. Schema changes only through migrations. */
export function createDataSource(settings: DataSourceSettings): DataSource {
  return new DataSource({
    type: 'postgres',
    url: databaseUrl(settings.serverUrl, settings.database),
    entities: settings.entities,
    migrations: settings.migrations,
    migrationsTableName: 'schema_migrations',
    migrationsTransactionMode: 'each',
    synchronize: false,
    logging: false,
    applicationName: settings.applicationName,
    extra: { max: settings.poolSize ?? 10, connectionTimeoutMillis: 5000 },
  });
}

/**
 * Applies pending migrations while holding a session advisory lock on one connection, so replicas
 * booting together with MIGRATE_ON_BOOT (or a migrate Job racing a booting pod) take turns: the
 * second finds nothing pending instead of failing on a half-created table.
 */
async function runMigrationsExclusively(dataSource: DataSource) {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.query("SELECT pg_advisory_lock(hashtext('portcullis-migrations'))");
    try {
      return await dataSource.runMigrations({ transaction: 'each' });
    } finally {
      await runner.query("SELECT pg_advisory_unlock(hashtext('portcullis-migrations'))");
    }
  } finally {
    await runner.release();
  }
}

/**
 * Opens the service's data source. With `migrate` (MIGRATE_ON_BOOT, or the migrate step) it first
 * creates the database if needed and then applies pending migrations on the same pool.
 */
export async function openDataSource(settings: DataSourceSettings, migrate: boolean): Promise<DataSource> {
  if (migrate) await ensureDatabase(settings.serverUrl, settings.database);
  const dataSource = createDataSource(settings);
  await dataSource.initialize();
  if (migrate) {
    try {
      await runMigrationsExclusively(dataSource);
    } catch (error) {
      await dataSource.destroy();
      throw error;
    }
  }
  return dataSource;
}

/** The migrate step (`main.ts migrate`): applies pending migrations and reports their names. */
export async function migrateDatabase(settings: DataSourceSettings): Promise<string[]> {
  await ensureDatabase(settings.serverUrl, settings.database);
  const dataSource = createDataSource(settings);
  await dataSource.initialize();
  try {
    const applied = await runMigrationsExclusively(dataSource);
    return applied.map((m) => m.name);
  } finally {
    await dataSource.destroy();
  }
}
