import './telemetry';
import { configOrExit } from '@portcullis/config';
import { PROTO_FILES, PROTO_PACKAGES } from '@portcullis/contracts';
import { runMain, startGrpcService } from '@portcullis/grpc';
import { createLogger } from '@portcullis/observability';
import { migrateDatabase } from '@portcullis/persistence';
import { IdentityModule } from './app.module';
import { loadIdentityConfig } from './config/identity.config';
import { IDENTITY_MIGRATIONS } from './persistence/migrations';

const config = configOrExit('identity', () => loadIdentityConfig(process.env));

runMain('identity', {
  shutdown: { drainMs: config.SHUTDOWN_DRAIN_MS, timeoutMs: config.SHUTDOWN_TIMEOUT_MS },
  migrate: () =>
    migrateDatabase({
      serverUrl: config.DATABASE_URL,
      database: config.DATABASE_NAME,
      entities: [],
      migrations: IDENTITY_MIGRATIONS,
    }),
  serve: async () => {
    const logger = createLogger({ service: 'identity', level: config.LOG_LEVEL });
    const running = await startGrpcService(IdentityModule.register(config, logger), {
      logger,
      server: {
        host: config.GRPC_HOST,
        port: config.GRPC_PORT,
        protoPaths: [PROTO_FILES.identity],
        packages: [PROTO_PACKAGES.identity],
      },
    });
    logger.info({ port: config.GRPC_PORT }, 'identity listening');
    return running;
  },
});
