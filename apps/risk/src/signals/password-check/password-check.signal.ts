import type { Hit, RiskSignal, SignalInput } from '../risk-signal';

/** The caller's password check failed on this attempt. */
export class PasswordCheckSignal implements RiskSignal {
  readonly codes = ['PASSWORD_FAILED'] as const;

  evaluate({ context }: SignalInput, hit: Hit): void {
    if (context.passwordCheck === 'failed') hit('PASSWORD_FAILED', 'the password did not match');
  }
}
