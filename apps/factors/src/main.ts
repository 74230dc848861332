import './telemetry';
import { configOrExit } from '@portcullis/config';
import { runMain, startHealthOnlyService } from '@portcullis/grpc';
import { createLogger } from '@portcullis/observability';
import { migrateDatabase } from '@portcullis/persistence';
import { FactorsModule } from './app.module';
import { loadFactorsConfig } from './config/factors.config';
import { FACTORS_MIGRATIONS } from './persistence/migrations';

const config = configOrExit('factors', () => loadFactorsConfig(process.env));

runMain('factors', {
  migrate: () =>
    migrateDatabase({
      serverUrl: config.DATABASE_URL,
      database: config.DATABASE_NAME,
      entities: [],
      migrations: FACTORS_MIGRATIONS,
    }),
  serve: async () => {
    const logger = createLogger({ service: 'factors', level: config.LOG_LEVEL });
    const running = await startHealthOnlyService(FactorsModule.register(config, logger), {
      logger,
      host: config.GRPC_HOST,
      port: config.GRPC_PORT,
    });
    logger.info({ port: running.port }, 'factors listening');
    return running;
  },
});
