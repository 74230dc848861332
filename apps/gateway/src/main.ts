import './telemetry';
import { configOrExit } from '@portcullis/config';
import { runMain } from '@portcullis/grpc';
import { createLogger } from '@portcullis/observability';
import { loadGatewayConfig } from './config/gateway.config';
import { startGateway } from './gateway-app';

const config = configOrExit('gateway', () => loadGatewayConfig(process.env));

runMain('gateway', {
  serve: async () => {
    const logger = createLogger({ service: 'gateway', level: config.LOG_LEVEL });
    const running = await startGateway(config, logger);
    logger.info({ http: running.httpUrl, grpcPort: config.GRPC_PORT }, 'gateway listening');
    return running;
  },
});
