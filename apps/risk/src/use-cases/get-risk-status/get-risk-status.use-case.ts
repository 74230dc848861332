import { Injectable } from '@nestjs/common';
import { GeoLocator, type GeoStatus } from '../../geo/geo-locator';
import { type FeedStatus, ThreatFeeds } from '../../signals/ip-reputation/threat-feeds';

export interface RiskStatus {
  readonly feeds: readonly FeedStatus[];
  readonly geo: GeoStatus;
}

/** Freshness of what scoring depends on: the feeds and the geolocation databases. */
@Injectable()
export class GetRiskStatusUseCase {
  constructor(
    private readonly feeds: ThreatFeeds,
    private readonly geo: GeoLocator,
  ) {}

  execute(): RiskStatus {
    return { feeds: this.feeds.status(), geo: this.geo.status() };
  }
}
