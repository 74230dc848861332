import { Injectable } from '@nestjs/common';
import { CodeHasher } from '../../domain/ports';
import { OutOfBandCodeStrategy } from '../out-of-band/out-of-band.strategy';

@Injectable()
export class EmailOtpStrategy extends OutOfBandCodeStrategy {
  readonly type = 'email_otp' as const;
  readonly channel = 'email' as const;
  readonly destinationKind = 'email' as const;
  // RFC 8176 has no email method; 'otp' with the channel recorded on the factor.
  readonly amr = ['otp'];

  constructor(hasher: CodeHasher) {
    super(hasher);
  }
}
