import { configOrExit } from '@portcullis/config';
import { startTelemetry } from '@portcullis/observability';
import { loadDeliveryConfig } from './config/delivery.config';

const config = configOrExit('delivery', () => loadDeliveryConfig(process.env));
startTelemetry({
  serviceName: 'delivery',
  enabled: config.OTEL_ENABLED,
  otlpEndpoint: config.OTEL_EXPORTER_OTLP_ENDPOINT,
  tracesFile: config.OTEL_TRACES_FILE,
  metricsPort: config.METRICS_PORT,
  metricsHost: config.METRICS_HOST,
});
