import { PROTO_FILES, PROTO_PACKAGES } from '@portcullis/contracts';
import { type RunningService, startGrpcService } from '@portcullis/grpc';
import type { Logger } from '@portcullis/observability';
import { RiskModule } from './app.module';
import type { RiskConfig } from './config/risk.config';
import { type GeoLocator, MaxmindGeoLocator } from './geo/geo-locator';
import { ThreatFeeds } from './signals/ip-reputation/threat-feeds';

export interface RunningRisk extends RunningService {
  readonly feeds: ThreatFeeds;
  readonly geo: GeoLocator;
}

/**
 * Loads the threat feeds and opens the geolocation databases before the port opens (the first
 * score sees them), then serves gRPC.
 */
export async function startRisk(config: RiskConfig, logger: Logger): Promise<RunningRisk> {
  const feeds = new ThreatFeeds(
    config.RISK_IP_FEEDS,
    {
      refreshMs: config.RISK_FEED_REFRESH_SECONDS * 1000,
      fetchTimeoutMs: config.RISK_FEED_FETCH_TIMEOUT_MS,
    },
    logger.child({ component: 'threat-feeds' }),
  );
  const geo = await MaxmindGeoLocator.open({
    cityDbPath: config.GEOIP_CITY_DB,
    asnDbPath: config.GEOIP_ASN_DB,
    watchForUpdates: true,
  });
  await feeds.start();
  try {
    const running = await startGrpcService(RiskModule.register(config, logger, { feeds, geo }), {
      logger,
      server: {
        host: config.GRPC_HOST,
        port: config.GRPC_PORT,
        protoPaths: [PROTO_FILES.risk],
        packages: [PROTO_PACKAGES.risk],
      },
    });
    return {
      ...running,
      feeds,
      geo,
      async close() {
        await running.close();
        feeds.stop();
        geo.close?.();
      },
    };
  } catch (error) {
    feeds.stop();
    geo.close?.();
    throw error;
  }
}
