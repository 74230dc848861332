import type { Hit, RiskSignal, SignalInput } from '../risk-signal';

/** The account used a recovery code or had its factors reset recently: takeovers start there. */
export class RecentRecoverySignal implements RiskSignal {
  readonly codes = ['RECENT_RECOVERY'] as const;

  constructor(private readonly windowMs: number = 24 * 3_600_000) {}

  evaluate({ profile, now }: SignalInput, hit: Hit): void {
    const at = profile?.lastRecoveryAt;
    if (!at || now.getTime() - at.getTime() > this.windowMs) return;
    hit(
      'RECENT_RECOVERY',
      `recovery or factor reset ${Math.round((now.getTime() - at.getTime()) / 60_000)} min ago`,
    );
  }
}
