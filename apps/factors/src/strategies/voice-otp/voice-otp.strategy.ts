import { Injectable } from '@nestjs/common';
import { CodeHasher } from '../../domain/ports';
import { OutOfBandCodeStrategy } from '../out-of-band/out-of-band.strategy';

@Injectable()
export class VoiceOtpStrategy extends OutOfBandCodeStrategy {
  readonly type = 'voice_otp' as const;
  readonly channel = 'voice' as const;
  readonly destinationKind = 'phone' as const;
  readonly amr = ['tel', 'otp'];

  constructor(hasher: CodeHasher) {
    super(hasher);
  }
}
