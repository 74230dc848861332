import type { RiskSignal } from './risk-signal';
import { FailureVelocitySignal } from './failure-velocity/failure-velocity.signal';
import { FamiliaritySignal } from './familiarity/familiarity.signal';
import { ImpossibleTravelSignal } from './impossible-travel/impossible-travel.signal';
import { IpReputationSignal } from './ip-reputation/ip-reputation.signal';
import type { ThreatFeeds } from './ip-reputation/threat-feeds';
import { NetworkTypeSignal } from './network-type/network-type.signal';
import { PasswordCheckSignal } from './password-check/password-check.signal';
import { RecentRecoverySignal } from './recent-recovery/recent-recovery.signal';
import { ScriptedClientSignal } from './scripted-client/scripted-client.signal';
import { UnusualHourSignal } from './unusual-hour/unusual-hour.signal';

export interface SignalSettings {
  readonly anonymizerAsns: readonly number[];
  readonly hostingAsns: readonly number[];
  readonly maxTravelSpeedKmh: number;
  readonly minTravelDistanceKm: number;
}

/** Every signal the scorer runs, in reporting order. */
export function riskSignals(feeds: ThreatFeeds, settings: SignalSettings): RiskSignal[] {
  return [
    new IpReputationSignal(feeds),
    new NetworkTypeSignal(settings),
    new FailureVelocitySignal(),
    new ImpossibleTravelSignal({
      maxSpeedKmh: settings.maxTravelSpeedKmh,
      minDistanceKm: settings.minTravelDistanceKm,
    }),
    new FamiliaritySignal(),
    new UnusualHourSignal(),
    new RecentRecoverySignal(),
    new ScriptedClientSignal(),
    new PasswordCheckSignal(),
  ];
}
