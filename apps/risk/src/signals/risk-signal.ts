import type { AttemptContext } from '../domain/assessment';
import type { UserProfile } from '../domain/profile';
import type { SignalCode } from '../domain/signals';
import type { VelocityCounts, VelocityThresholds } from '../domain/velocity';
import type { GeoInfo } from '../geo/geo-locator';

/** Everything a signal may look at; gathered once per attempt. */
export interface SignalInput {
  readonly context: AttemptContext;
  readonly now: Date;
  readonly geo: GeoInfo | undefined;
  /** Undefined for an unknown user or one without any successful sign-in yet (cold start). */
  readonly profile: UserProfile | undefined;
  readonly velocity: VelocityCounts;
  readonly thresholds: VelocityThresholds;
}

/** Reports one finding; the scorer applies the tenant's weight (or drops a disabled signal). */
export type Hit = (code: SignalCode, detail: string) => void;

/** One risk signal (a strategy): looks at the input and reports what it finds. */
export interface RiskSignal {
  /** The codes it may report, for documentation and policy checks. */
  readonly codes: readonly SignalCode[];
  evaluate(input: SignalInput, hit: Hit): void;
}
