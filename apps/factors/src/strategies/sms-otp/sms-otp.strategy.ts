import { Injectable } from '@nestjs/common';
import { CodeHasher } from '../../domain/ports';
import { OutOfBandCodeStrategy } from '../out-of-band/out-of-band.strategy';

@Injectable()
export class SmsOtpStrategy extends OutOfBandCodeStrategy {
  readonly type = 'sms_otp' as const;
  readonly channel = 'sms' as const;
  readonly destinationKind = 'phone' as const;
  readonly amr = ['sms', 'otp'];

  constructor(hasher: CodeHasher) {
    super(hasher);
  }
}
