import { configOrExit } from '@portcullis/config';
import { startTelemetry } from '@portcullis/observability';
import { loadFactorsConfig } from './config/factors.config';

const config = configOrExit('factors', () => loadFactorsConfig(process.env));
startTelemetry({
  serviceName: 'factors',
  enabled: config.OTEL_ENABLED,
  otlpEndpoint: config.OTEL_EXPORTER_OTLP_ENDPOINT,
  tracesFile: config.OTEL_TRACES_FILE,
  metricsPort: config.METRICS_PORT,
  metricsHost: config.METRICS_HOST,
});
