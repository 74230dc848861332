import { createHash } from 'node:crypto';

/** Where and when a user last signed in successfully. */
export interface LastSignIn {
  readonly at: Date;
  readonly latitude?: number;
  readonly longitude?: number;
  readonly accuracyKm?: number;
  readonly country?: string;
}

/**
 * What risk knows about one user, built from their successful sign-ins and factor events: the
 * devices, countries and networks seen (each with when it was last seen, in epoch seconds), the
 * hour-of-day histogram (UTC), and the last sign-in's place and time.
 */
export interface UserProfile {
  readonly tenantId: string;
  readonly userId: string;
  readonly devices: Readonly<Record<string, number>>;
  readonly countries: Readonly<Record<string, number>>;
  readonly networks: Readonly<Record<string, number>>;
  readonly hours: readonly number[];
  readonly signIns: number;
  readonly lastSignIn?: LastSignIn;
  /** Last account recovery (recovery code used) or admin factor reset. */
  readonly lastRecoveryAt?: Date;
}

export interface SignInObservation {
  readonly at: Date;
  readonly deviceId?: string;
  readonly country?: string;
  readonly asn?: number;
  readonly latitude?: number;
  readonly longitude?: number;
  readonly accuracyKm?: number;
}

/** Most entries a profile keeps per kind (the most recently seen win). */
export const PROFILE_ENTRY_LIMIT = 50;

export function emptyProfile(tenantId: string, userId: string): UserProfile {
  return {
    tenantId,
    userId,
    devices: {},
    countries: {},
    networks: {},
    hours: new Array<number>(24).fill(0),
    signIns: 0,
  };
}

/** Products' device ids are opaque to risk: profiles keep a short digest, never the id. */
export function deviceKey(deviceId: string): string {
  return createHash('sha256').update(deviceId).digest('base64url').slice(0, 22);
}

function remember(
  entries: Readonly<Record<string, number>>,
  key: string | undefined,
  seen: number,
  oldest: number,
): Record<string, number> {
  const next: Record<string, number> = {};
  for (const [k, at] of Object.entries(entries)) if (at >= oldest) next[k] = at;
  if (key !== undefined) next[key] = Math.max(next[key] ?? 0, seen);
  const keys = Object.keys(next);
  if (keys.length <= PROFILE_ENTRY_LIMIT) return next;
  const kept = keys.sort((a, b) => next[b] - next[a]).slice(0, PROFILE_ENTRY_LIMIT);
  return Object.fromEntries(kept.map((k) => [k, next[k]]));
}

/**
 * The profile after one successful sign-in. Entries not seen within the retention are dropped;
 * an older observation (a replay or late event) never moves the last sign-in backwards.
 */
export function withSignIn(profile: UserProfile, seen: SignInObservation, retentionMs: number): UserProfile {
  const at = Math.floor(seen.at.getTime() / 1000);
  const oldest = Math.floor((seen.at.getTime() - retentionMs) / 1000);
  const hours = [...profile.hours];
  hours[seen.at.getUTCHours()] += 1;
  const newer = !profile.lastSignIn || profile.lastSignIn.at.getTime() <= seen.at.getTime();
  return {
    ...profile,
    devices: remember(profile.devices, seen.deviceId ? deviceKey(seen.deviceId) : undefined, at, oldest),
    countries: remember(profile.countries, seen.country, at, oldest),
    networks: remember(profile.networks, seen.asn !== undefined ? String(seen.asn) : undefined, at, oldest),
    hours,
    signIns: profile.signIns + 1,
    lastSignIn: newer
      ? {
          at: seen.at,
          latitude: seen.latitude,
          longitude: seen.longitude,
          accuracyKm: seen.accuracyKm,
          country: seen.country,
        }
      : profile.lastSignIn,
  };
}
