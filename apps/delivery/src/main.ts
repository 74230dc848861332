import './telemetry';
import { configOrExit } from '@portcullis/config';
import { runMain } from '@portcullis/grpc';
import { createLogger } from '@portcullis/observability';
import { migrateDatabase } from '@portcullis/persistence';
import { loadDeliveryConfig } from './config/delivery.config';
import { startDelivery } from './delivery-app';
import { DELIVERY_MIGRATIONS } from './persistence/migrations';

const config = configOrExit('delivery', () => loadDeliveryConfig(process.env));

runMain('delivery', {
  shutdown: { drainMs: config.SHUTDOWN_DRAIN_MS, timeoutMs: config.SHUTDOWN_TIMEOUT_MS },
  migrate: () =>
    migrateDatabase({
      serverUrl: config.DATABASE_URL,
      database: config.DATABASE_NAME,
      entities: [],
      migrations: DELIVERY_MIGRATIONS,
    }),
  serve: async () => {
    const logger = createLogger({ service: 'delivery', level: config.LOG_LEVEL });
    const running = await startDelivery(config, logger);
    logger.info({ grpcPort: config.GRPC_PORT, http: running.httpUrl }, 'delivery listening');
    return running;
  },
});
