import './telemetry';
import { configOrExit } from '@portcullis/config';
import { PROTO_FILES, PROTO_PACKAGES } from '@portcullis/contracts';
import { runMain, startGrpcService } from '@portcullis/grpc';
import { createLogger } from '@portcullis/observability';
import { migrateDatabase } from '@portcullis/persistence';
import { AuditModule } from './app.module';
import { loadAuditConfig } from './config/audit.config';
import { AUDIT_MIGRATIONS } from './persistence/migrations';

const config = configOrExit('audit', () => loadAuditConfig(process.env));

runMain('audit', {
  shutdown: { drainMs: config.SHUTDOWN_DRAIN_MS, timeoutMs: config.SHUTDOWN_TIMEOUT_MS },
  migrate: () =>
    migrateDatabase({
      serverUrl: config.DATABASE_URL,
      database: config.DATABASE_NAME,
      entities: [],
      migrations: AUDIT_MIGRATIONS,
    }),
  serve: async () => {
    const logger = createLogger({ service: 'audit', level: config.LOG_LEVEL });
    const running = await startGrpcService(AuditModule.register(config, logger), {
      logger,
      server: {
        host: config.GRPC_HOST,
        port: config.GRPC_PORT,
        protoPaths: [PROTO_FILES.audit],
        packages: [PROTO_PACKAGES.audit],
      },
    });
    logger.info({ port: config.GRPC_PORT }, 'audit listening');
    return running;
  },
});
