import './telemetry';
import { configOrExit } from '@portcullis/config';
import { runMain, startHealthOnlyService } from '@portcullis/grpc';
import { createLogger } from '@portcullis/observability';
import { migrateDatabase } from '@portcullis/persistence';
import { RiskModule } from './app.module';
import { loadRiskConfig } from './config/risk.config';
import { RISK_MIGRATIONS } from './persistence/migrations';

const config = configOrExit('risk', () => loadRiskConfig(process.env));

runMain('risk', {
  migrate: () =>
    migrateDatabase({
      serverUrl: config.DATABASE_URL,
      database: config.DATABASE_NAME,
      entities: [],
      migrations: RISK_MIGRATIONS,
    }),
  serve: async () => {
    const logger = createLogger({ service: 'risk', level: config.LOG_LEVEL });
    const running = await startHealthOnlyService(RiskModule.register(config, logger), {
      logger,
      host: config.GRPC_HOST,
      port: config.GRPC_PORT,
    });
    logger.info({ port: running.port }, 'risk listening');
    return running;
  },
});
