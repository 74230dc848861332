import { deviceKey } from '../../domain/profile';
import type { Hit, RiskSignal, SignalInput } from '../risk-signal';

/**
 * New device, new country, new network for this user; a device the user chose to remember
 * lowers risk. Silent for users without history (nothing is new to a first sign-in).
 */
export class FamiliaritySignal implements RiskSignal {
  readonly codes = ['NEW_DEVICE', 'REMEMBERED_DEVICE', 'NEW_COUNTRY', 'NEW_NETWORK'] as const;

  evaluate({ context, profile, geo }: SignalInput, hit: Hit): void {
    if (context.deviceRemembered) {
      hit('REMEMBERED_DEVICE', 'the device presented a valid remember-this-device token');
    }
    if (!profile || profile.signIns === 0) return;
    if (context.deviceId && !context.deviceRemembered && !(deviceKey(context.deviceId) in profile.devices)) {
      hit('NEW_DEVICE', `not among the ${Object.keys(profile.devices).length} devices seen for this user`);
    }
    if (geo?.country && Object.keys(profile.countries).length > 0 && !(geo.country in profile.countries)) {
      hit('NEW_COUNTRY', `${geo.country}; seen before: ${Object.keys(profile.countries).sort().join(', ')}`);
    }
    if (
      geo?.asn !== undefined &&
      Object.keys(profile.networks).length > 0 &&
      !(String(geo.asn) in profile.networks)
    ) {
      hit('NEW_NETWORK', `AS${geo.asn}${geo.asOrganization ? ` (${geo.asOrganization})` : ''}`);
    }
  }
}
