/**
 * Every reason code a score can carry, with its default weight. Tenants switch signals off or
 * re-weight them in their policy; the codes are a stable contract (docs/api.md).
 */
export const SIGNAL_DEFAULTS = {
  IP_BLOCKLISTED: { weight: 70, about: 'the IP is on a threat-intelligence blocklist' },
  TOR_EXIT_NODE: { weight: 40, about: 'the IP is a Tor exit node' },
  ANONYMIZER_NETWORK: { weight: 30, about: 'the IP belongs to a VPN, proxy or anonymiser network' },
  HOSTING_NETWORK: { weight: 15, about: 'the IP belongs to a hosting or cloud provider network' },
  IMPOSSIBLE_TRAVEL: { weight: 40, about: 'too far from the last sign-in for the time since' },
  NEW_COUNTRY: { weight: 15, about: 'a country this user has not signed in from' },
  NEW_NETWORK: { weight: 5, about: 'an autonomous system this user has not signed in from' },
  NEW_DEVICE: { weight: 15, about: 'a device this user has not signed in with' },
  REMEMBERED_DEVICE: { weight: -25, about: 'a device the user chose to remember' },
  UNUSUAL_HOUR: { weight: 10, about: 'an hour of day at which this user rarely signs in' },
  PASSWORD_FAILED: { weight: 10, about: 'the password check failed' },
  FAILURE_VELOCITY_IP: { weight: 25, about: 'many failed attempts from this IP' },
  FAILURE_VELOCITY_SUBNET: { weight: 15, about: 'many failed attempts from this network' },
  FAILURE_VELOCITY_USER: { weight: 20, about: 'many failed attempts at this user' },
  FAILURE_VELOCITY_TENANT: { weight: 10, about: 'a spike of failed attempts across the tenant' },
  CREDENTIAL_STUFFING: { weight: 50, about: 'one IP failing against many users' },
  PASSWORD_SPRAY: { weight: 30, about: 'many IPs failing against this user' },
  SCRIPTED_CLIENT: { weight: 25, about: 'the user agent is a script, tool or headless browser' },
  RECENT_RECOVERY: { weight: 15, about: 'the account recovered or had its factors reset recently' },
} as const satisfies Record<string, { weight: number; about: string }>;

export type SignalCode = keyof typeof SIGNAL_DEFAULTS;

export const SIGNAL_CODES = Object.keys(SIGNAL_DEFAULTS) as SignalCode[];

/** A policy reason that sets the decision without adding to the score. */
export const POLICY_REASON_CODES = ['STEP_UP_RULE', 'MFA_ALWAYS'] as const;

/** One signal that fired: its code, its weight under the tenant's policy and what it saw. */
export interface Reason {
  readonly code: SignalCode | (typeof POLICY_REASON_CODES)[number];
  readonly weight: number;
  readonly detail: string;
}
