import type { SignalCode } from '../../domain/signals';
import type { Hit, RiskSignal, SignalInput } from '../risk-signal';
import type { FeedCategory, ThreatFeeds } from './threat-feeds';

const CODE_OF: Record<FeedCategory, SignalCode> = {
  blocklist: 'IP_BLOCKLISTED',
  tor: 'TOR_EXIT_NODE',
  anonymizer: 'ANONYMIZER_NETWORK',
};

/** The client IP on a threat-intelligence feed: a blocklist, the Tor exits, an anonymiser list. */
export class IpReputationSignal implements RiskSignal {
  readonly codes = ['IP_BLOCKLISTED', 'TOR_EXIT_NODE', 'ANONYMIZER_NETWORK'] as const;

  constructor(private readonly feeds: ThreatFeeds) {}

  evaluate({ context }: SignalInput, hit: Hit): void {
    for (const match of this.feeds.lookup(context.clientIp)) {
      hit(CODE_OF[match.category], `listed on ${match.name}`);
    }
  }
}
