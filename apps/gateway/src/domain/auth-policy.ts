/** A tenant's sign-in policy at the gateway (risk and factor policies live with their services). */
export interface AuthPolicy {
  readonly assertionLifetimeSeconds: number;
  readonly authenticationLifetimeSeconds: number;
  readonly deviceTokenLifetimeDays: number;
  /** No remember-this-device tokens are issued, and existing ones no longer lower risk. */
  readonly deviceTokensDisabled: boolean;
  /** When a challenge is required but the user has no factor. */
  readonly withoutFactors: 'deny' | 'allow';
}

export const DEFAULT_AUTH_POLICY: AuthPolicy = {
  assertionLifetimeSeconds: 300,
  authenticationLifetimeSeconds: 600,
  deviceTokenLifetimeDays: 30,
  withoutFactors: 'deny',
  deviceTokensDisabled: false,
};
