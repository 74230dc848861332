import type { Hit, RiskSignal, SignalInput } from '../risk-signal';

/** Anonymisers (VPN and proxy networks) and hosting networks, by the IP's autonomous system. */
export class NetworkTypeSignal implements RiskSignal {
  readonly codes = ['ANONYMIZER_NETWORK', 'HOSTING_NETWORK'] as const;
  private readonly anonymizers: ReadonlySet<number>;
  private readonly hosting: ReadonlySet<number>;

  constructor(lists: { anonymizerAsns: readonly number[]; hostingAsns: readonly number[] }) {
    this.anonymizers = new Set(lists.anonymizerAsns);
    this.hosting = new Set(lists.hostingAsns);
  }

  evaluate({ geo }: SignalInput, hit: Hit): void {
    const asn = geo?.asn;
    if (asn === undefined) return;
    const owner = geo?.asOrganization ? ` (${geo.asOrganization})` : '';
    if (this.anonymizers.has(asn)) hit('ANONYMIZER_NETWORK', `AS${asn}${owner} is an anonymiser network`);
    else if (this.hosting.has(asn)) hit('HOSTING_NETWORK', `AS${asn}${owner} is a hosting network`);
  }
}
