import { Injectable } from '@nestjs/common';
import { RiskUnitOfWork } from '../../domain/ports';
import { emptyProfile, withSignIn } from '../../domain/profile';
import { RiskSettings } from '../../domain/risk-settings';
import { GeoLocator } from '../../geo/geo-locator';

export interface SignIn {
  readonly tenantId: string;
  readonly userId: string;
  readonly at: Date;
  readonly clientIp?: string;
  readonly deviceId?: string;
}

/** A successful sign-in becomes part of the user's profile (device, place, network, hour). */
@Injectable()
export class RecordSignInUseCase {
  constructor(
    private readonly uow: RiskUnitOfWork,
    private readonly geo: GeoLocator,
    private readonly settings: RiskSettings,
  ) {}

  execute(signIn: SignIn): Promise<void> {
    const geo = signIn.clientIp ? this.geo.lookup(signIn.clientIp) : undefined;
    return this.uow.run(async (tx) => {
      const profile =
        (await tx.profiles.find(signIn.tenantId, signIn.userId)) ??
        emptyProfile(signIn.tenantId, signIn.userId);
      const next = withSignIn(
        profile,
        {
          at: signIn.at,
          deviceId: signIn.deviceId,
          country: geo?.country,
          asn: geo?.asn,
          latitude: geo?.latitude,
          longitude: geo?.longitude,
          accuracyKm: geo?.accuracyRadiusKm,
        },
        this.settings.profileRetentionMs,
      );
      await tx.profiles.save(next, signIn.at);
    });
  }
}
