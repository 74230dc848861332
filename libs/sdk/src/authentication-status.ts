/** The states of an authentication (sign-in, step-up or passwordless). */
export const AuthenticationStatus = {
  /** The customer must answer a challenge with one of `factors`. */
  CHALLENGE_REQUIRED: 'CHALLENGE_REQUIRED',
  /** Go ahead: the answer that moved it here carries the signed assertion. */
  SUCCEEDED: 'SUCCEEDED',
  /** Refused; `denialReason` says why (INVALID_CREDENTIALS, RISK_DENIED, ACCOUNT_LOCKED, …). */
  DENIED: 'DENIED',
  /** Not completed in time; start a new one. */
  EXPIRED: 'EXPIRED',
} as const;

export type AuthenticationStatus = (typeof AuthenticationStatus)[keyof typeof AuthenticationStatus];

type WithStatus = { readonly status: string };

/** The customer must be challenged: pick one of `auth.factors` and call `startAuthenticationChallenge`. */
export function isChallengeRequired<A extends WithStatus>(
  auth: A | undefined,
): auth is A & { readonly status: 'CHALLENGE_REQUIRED' } {
  return auth?.status === AuthenticationStatus.CHALLENGE_REQUIRED;
}

/** The authentication succeeded: the answer's `assertion` is the proof to keep or verify. */
export function isAllowed<A extends WithStatus>(
  auth: A | undefined,
): auth is A & { readonly status: 'SUCCEEDED' } {
  return auth?.status === AuthenticationStatus.SUCCEEDED;
}

/** The authentication was refused; see `auth.denialReason`. Show the customer a generic message. */
export function isDenied<A extends WithStatus>(
  auth: A | undefined,
): auth is A & { readonly status: 'DENIED' } {
  return auth?.status === AuthenticationStatus.DENIED;
}

/** The authentication timed out before it was completed. */
export function isExpired<A extends WithStatus>(
  auth: A | undefined,
): auth is A & { readonly status: 'EXPIRED' } {
  return auth?.status === AuthenticationStatus.EXPIRED;
}
