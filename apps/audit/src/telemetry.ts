import { configOrExit } from '@portcullis/config';
import { startTelemetry } from '@portcullis/observability';
import { loadAuditConfig } from './config/audit.config';

const config = configOrExit('audit', () => loadAuditConfig(process.env));
startTelemetry({
  serviceName: 'audit',
  enabled: config.OTEL_ENABLED,
  otlpEndpoint: config.OTEL_EXPORTER_OTLP_ENDPOINT,
  tracesFile: config.OTEL_TRACES_FILE,
  metricsPort: config.METRICS_PORT,
  metricsHost: config.METRICS_HOST,
});
