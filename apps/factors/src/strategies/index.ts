import type { Provider } from '@nestjs/common';
import { EmailOtpStrategy } from './email-otp/email-otp.strategy';
import { FactorStrategies } from './factor-strategies';
import { FACTOR_STRATEGIES, type FactorStrategy } from './factor-strategy';
import { RecoveryCodesStrategy } from './recovery-codes/recovery-codes.strategy';
import { SmsOtpStrategy } from './sms-otp/sms-otp.strategy';
import { TotpStrategy } from './totp/totp.strategy';
import { VoiceOtpStrategy } from './voice-otp/voice-otp.strategy';
import { WebAuthnStrategy } from './webauthn/webauthn.strategy';

/** Every factor type's strategy; adding a type is a folder plus one entry here. */
const STRATEGY_CLASSES = [
  TotpStrategy,
  WebAuthnStrategy,
  SmsOtpStrategy,
  VoiceOtpStrategy,
  EmailOtpStrategy,
  RecoveryCodesStrategy,
];

export const strategyProviders: Provider[] = [
  ...STRATEGY_CLASSES,
  {
    provide: FACTOR_STRATEGIES,
    useFactory: (...strategies: FactorStrategy[]) => strategies,
    inject: STRATEGY_CLASSES,
  },
  FactorStrategies,
];

export { FactorStrategies } from './factor-strategies';
export type * from './factor-strategy';
