import type { Hit, RiskSignal, SignalInput } from '../risk-signal';

/**
 * An hour of day (UTC) at which this user rarely signs in: fewer than `rareShare` of their
 * sign-ins fell within an hour either side. Cold start: silent until the user has `minSignIns`.
 */
export class UnusualHourSignal implements RiskSignal {
  readonly codes = ['UNUSUAL_HOUR'] as const;

  constructor(
    private readonly settings: { minSignIns: number; rareShare: number } = {
      minSignIns: 10,
      rareShare: 0.05,
    },
  ) {}

  evaluate({ profile, now }: SignalInput, hit: Hit): void {
    if (!profile || profile.signIns < this.settings.minSignIns) return;
    const hour = now.getUTCHours();
    const h = profile.hours;
    const near = h[(hour + 23) % 24] + h[hour] + h[(hour + 1) % 24];
    if (near / profile.signIns >= this.settings.rareShare) return;
    hit(
      'UNUSUAL_HOUR',
      `${String(hour).padStart(2, '0')}:00 UTC: ${near} of ${profile.signIns} earlier sign-ins within an hour of it`,
    );
  }
}
