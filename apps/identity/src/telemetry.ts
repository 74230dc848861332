import { configOrExit } from '@portcullis/config';
import { startTelemetry } from '@portcullis/observability';
import { loadIdentityConfig } from './config/identity.config';

const config = configOrExit('identity', () => loadIdentityConfig(process.env));
startTelemetry({
  serviceName: 'identity',
  enabled: config.OTEL_ENABLED,
  otlpEndpoint: config.OTEL_EXPORTER_OTLP_ENDPOINT,
  tracesFile: config.OTEL_TRACES_FILE,
  metricsPort: config.METRICS_PORT,
  metricsHost: config.METRICS_HOST,
});
