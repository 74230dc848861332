import './telemetry';
import { configOrExit } from '@portcullis/config';
import { PROTO_FILES, PROTO_PACKAGES } from '@portcullis/contracts';
import { parseKeyRing } from '@portcullis/crypto';
import { runMain, startGrpcService } from '@portcullis/grpc';
import { createLogger } from '@portcullis/observability';
import { migrateDatabase, openDataSource } from '@portcullis/persistence';
import { FactorsModule, secretsCipherOf } from './app.module';
import { loadFactorsConfig } from './config/factors.config';
import { FACTORS_MIGRATIONS } from './persistence/migrations';
import { rotateFactorSecrets } from './persistence/rotate-secrets';

const config = configOrExit('factors', () => loadFactorsConfig(process.env));
const database = {
  serverUrl: config.DATABASE_URL,
  database: config.DATABASE_NAME,
  entities: [],
  migrations: FACTORS_MIGRATIONS,
};

runMain('factors', {
  shutdown: { drainMs: config.SHUTDOWN_DRAIN_MS, timeoutMs: config.SHUTDOWN_TIMEOUT_MS },
  migrate: () => migrateDatabase(database),
  commands: {
    /** Re-encrypts stored secrets under the newest FACTORS_ENCRYPTION_KEYS entry. */
    'rotate-keys': async () => {
      const dataSource = await openDataSource({ ...database, applicationName: 'factors-rotate-keys' }, false);
      try {
        const activeKeyId = parseKeyRing(config.FACTORS_ENCRYPTION_KEYS).activeKeyId;
        return {
          activeKeyId,
          rotated: await rotateFactorSecrets(dataSource, secretsCipherOf(config), activeKeyId),
        };
      } finally {
        await dataSource.destroy();
      }
    },
  },
  serve: async () => {
    const logger = createLogger({ service: 'factors', level: config.LOG_LEVEL });
    const running = await startGrpcService(FactorsModule.register(config, logger), {
      logger,
      server: {
        host: config.GRPC_HOST,
        port: config.GRPC_PORT,
        protoPaths: [PROTO_FILES.factors],
        packages: [PROTO_PACKAGES.factors],
      },
    });
    logger.info({ port: config.GRPC_PORT }, 'factors listening');
    return running;
  },
});
