import type { Hit, RiskSignal, SignalInput } from '../risk-signal';

const EARTH_RADIUS_KM = 6371;

/** Great-circle distance in kilometres (haversine). */
export function distanceKm(lat1: number, lon1: number, lat2: number, lon2: number): number {
  const rad = Math.PI / 180;
  const dLat = (lat2 - lat1) * rad;
  const dLon = (lon2 - lon1) * rad;
  const a = Math.sin(dLat / 2) ** 2 + Math.cos(lat1 * rad) * Math.cos(lat2 * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(a)));
}

/**
 * The speed implied by the last successful sign-in's place and time. Both locations' accuracy
 * radii are taken off the distance first, so coarse geolocation never makes a journey
 * impossible; short hops (under the minimum distance) never count.
 */
export class ImpossibleTravelSignal implements RiskSignal {
  readonly codes = ['IMPOSSIBLE_TRAVEL'] as const;

  constructor(private readonly settings: { maxSpeedKmh: number; minDistanceKm: number }) {}

  evaluate({ geo, profile, now }: SignalInput, hit: Hit): void {
    const last = profile?.lastSignIn;
    if (
      geo?.latitude === undefined ||
      geo.longitude === undefined ||
      last?.latitude === undefined ||
      last.longitude === undefined
    ) {
      return;
    }
    const raw = distanceKm(last.latitude, last.longitude, geo.latitude, geo.longitude);
    const distance = raw - (last.accuracyKm ?? 0) - (geo.accuracyRadiusKm ?? 0);
    if (distance < this.settings.minDistanceKm) return;
    const hours = Math.max((now.getTime() - last.at.getTime()) / 3_600_000, 1 / 60);
    const speed = distance / hours;
    if (speed <= this.settings.maxSpeedKmh) return;
    const minutes = Math.round(hours * 60);
    hit(
      'IMPOSSIBLE_TRAVEL',
      `${Math.round(raw)} km from the last sign-in${last.country ? ` (${last.country})` : ''} ` +
        `${minutes} min earlier: ${Math.round(speed)} km/h`,
    );
  }
}
