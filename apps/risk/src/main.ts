import './telemetry';
import { configOrExit } from '@portcullis/config';
import { runMain } from '@portcullis/grpc';
import { createLogger } from '@portcullis/observability';
import { migrateDatabase } from '@portcullis/persistence';
import { loadRiskConfig } from './config/risk.config';
import { RISK_MIGRATIONS } from './persistence/migrations';
import { startRisk } from './risk-app';

const config = configOrExit('risk', () => loadRiskConfig(process.env));

runMain('risk', {
  shutdown: { drainMs: config.SHUTDOWN_DRAIN_MS, timeoutMs: config.SHUTDOWN_TIMEOUT_MS },
  migrate: () =>
    migrateDatabase({
      serverUrl: config.DATABASE_URL,
      database: config.DATABASE_NAME,
      entities: [],
      migrations: RISK_MIGRATIONS,
    }),
  serve: async () => {
    const logger = createLogger({ service: 'risk', level: config.LOG_LEVEL });
    const running = await startRisk(config, logger);
    logger.info(
      { port: config.GRPC_PORT, feeds: running.feeds.status().length, geo: running.geo.status() },
      'risk listening',
    );
    return running;
  },
});
