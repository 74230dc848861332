import { configOrExit } from '@portcullis/config';
import { startTelemetry } from '@portcullis/observability';
import { loadRiskConfig } from './config/risk.config';

const config = configOrExit('risk', () => loadRiskConfig(process.env));
startTelemetry({
  serviceName: 'risk',
  enabled: config.OTEL_ENABLED,
  otlpEndpoint: config.OTEL_EXPORTER_OTLP_ENDPOINT,
  tracesFile: config.OTEL_TRACES_FILE,
  metricsPort: config.METRICS_PORT,
  metricsHost: config.METRICS_HOST,
});
