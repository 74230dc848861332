import './telemetry';
import { configOrExit } from '@portcullis/config';
import { runMain, startHealthOnlyService } from '@portcullis/grpc';
import { createLogger } from '@portcullis/observability';
import { migrateDatabase } from '@portcullis/persistence';
import { DeliveryModule } from './app.module';
import { loadDeliveryConfig } from './config/delivery.config';
import { DELIVERY_MIGRATIONS } from './persistence/migrations';

const config = configOrExit('delivery', () => loadDeliveryConfig(process.env));

runMain('delivery', {
  migrate: () =>
    migrateDatabase({
      serverUrl: config.DATABASE_URL,
      database: config.DATABASE_NAME,
      entities: [],
      migrations: DELIVERY_MIGRATIONS,
    }),
  serve: async () => {
    const logger = createLogger({ service: 'delivery', level: config.LOG_LEVEL });
    const running = await startHealthOnlyService(DeliveryModule.register(config, logger), {
      logger,
      host: config.GRPC_HOST,
      port: config.GRPC_PORT,
    });
    logger.info({ port: running.port }, 'delivery listening');
    return running;
  },
});
