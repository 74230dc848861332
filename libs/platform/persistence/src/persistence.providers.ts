import type { OnApplicationShutdown, Provider } from '@nestjs/common';
import { Readiness, type ReadinessCheck } from '@portcullis/observability';
import type { DataSource } from 'typeorm';
import { type DataSourceSettings, openDataSource } from './database';

export const DATA_SOURCE = Symbol('DATA_SOURCE');
export const DATABASE_READINESS = Symbol('DATABASE_READINESS');

/**
 * Ready while the service's own pool hands out a connection that answers: the path its queries
 * take (a pool that waits longer than the check's timeout for a free connection counts as down).
 */
export function databaseReadinessCheck(dataSource: DataSource): ReadinessCheck {
  return { name: 'postgresql', probe: () => dataSource.query('SELECT 1') };
}

/** Closes the pool last, after consumers and relays stopped (they stop in onModuleDestroy). */
class DataSourceCloser implements OnApplicationShutdown {
  constructor(private readonly dataSource: DataSource) {}
  async onApplicationShutdown(): Promise<void> {
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
  }
}

/** The service's data source, migrated at boot when MIGRATE_ON_BOOT is on, and its readiness check. */
export function persistenceProviders(settings: DataSourceSettings, migrateOnBoot: boolean): Provider[] {
  return [
    { provide: DATA_SOURCE, useFactory: () => openDataSource(settings, migrateOnBoot) },
    {
      provide: DataSourceCloser,
      useFactory: (ds: DataSource) => new DataSourceCloser(ds),
      inject: [DATA_SOURCE],
    },
    {
      provide: DATABASE_READINESS,
      useFactory: (readiness: Readiness, ds: DataSource) => readiness.add(databaseReadinessCheck(ds)),
      inject: [Readiness, DATA_SOURCE],
    },
  ];
}
