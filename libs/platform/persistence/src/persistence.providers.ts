import type { OnApplicationShutdown, Provider } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { type DataSourceSettings, openDataSource } from './database';

export const DATA_SOURCE = Symbol('DATA_SOURCE');

/** Closes the pool last, after consumers and relays stopped (they stop in onModuleDestroy). */
class DataSourceCloser implements OnApplicationShutdown {
  constructor(private readonly dataSource: DataSource) {}
  async onApplicationShutdown(): Promise<void> {
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
  }
}

/** The service's data source, migrated at boot when MIGRATE_ON_BOOT is on. */
export function persistenceProviders(settings: DataSourceSettings, migrateOnBoot: boolean): Provider[] {
  return [
    { provide: DATA_SOURCE, useFactory: () => openDataSource(settings, migrateOnBoot) },
    {
      provide: DataSourceCloser,
      useFactory: (ds: DataSource) => new DataSourceCloser(ds),
      inject: [DATA_SOURCE],
    },
  ];
}
