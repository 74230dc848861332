import './telemetry';
import { configOrExit } from '@portcullis/config';
import { runMain } from '@portcullis/grpc';
import { createLogger } from '@portcullis/observability';
import { migrateDatabase } from '@portcullis/persistence';
import { loadGatewayConfig } from './config/gateway.config';
import { startGateway } from './gateway-app';
import { GATEWAY_MIGRATIONS } from './persistence/migrations';

const config = configOrExit('gateway', () => loadGatewayConfig(process.env));

runMain('gateway', {
  shutdown: { drainMs: config.SHUTDOWN_DRAIN_MS, timeoutMs: config.SHUTDOWN_TIMEOUT_MS },
  migrate: () =>
    migrateDatabase({
      serverUrl: config.DATABASE_URL,
      database: config.DATABASE_NAME,
      entities: [],
      migrations: GATEWAY_MIGRATIONS,
    }),
  serve: async () => {
    const logger = createLogger({ service: 'gateway', level: config.LOG_LEVEL });
    const running = await startGateway(config, logger);
    logger.info({ http: running.httpUrl, grpcPort: config.GRPC_PORT }, 'gateway listening');
    return running;
  },
});
