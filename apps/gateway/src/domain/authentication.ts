/**
 * An authentication attempt: a sign-in, a step-up for an action, or a passwordless sign-in. A
 * persisted state machine: CHALLENGE_REQUIRED → SUCCEEDED (at most once) or EXPIRED; DENIED and
 * SUCCEEDED straight from the start when the decision needs no challenge. Nothing is granted
 * before SUCCEEDED, and the required assurance comes from the policy and the user's own factors,
 * never from the caller.
 */
export type AuthenticationKind = 'sign_in' | 'step_up' | 'passwordless';
export type AuthenticationStatus = 'CHALLENGE_REQUIRED' | 'SUCCEEDED' | 'DENIED' | 'EXPIRED';
export type DenialReason =
  | 'INVALID_CREDENTIALS'
  | 'PASSWORD_THROTTLED'
  | 'ACCOUNT_LOCKED'
  | 'ACCOUNT_DISABLED'
  | 'RISK_DENIED'
  | 'NO_FACTOR_ENROLLED';

export interface RiskReasonView {
  readonly code: string;
  readonly weight: number;
  readonly detail: string;
}

export interface RiskView {
  readonly score: number;
  readonly level: string;
  readonly decision: 'allow' | 'challenge' | 'deny';
  readonly reasons: readonly RiskReasonView[];
  /** Risk did not answer in time: the tenant's fail mode decided. */
  readonly fallback: boolean;
}

export interface FactorOption {
  readonly factorId: string;
  readonly type: string;
  readonly name: string;
  readonly destinationHint: string;
  readonly strength: number;
  readonly preferred: boolean;
}

export interface ActionDetails {
  readonly type: string;
  readonly amount?: string;
  readonly currency?: string;
  readonly payee?: string;
  readonly reference?: string;
}

export interface ClientContext {
  readonly ip?: string;
  readonly userAgent?: string;
  readonly deviceId?: string;
  readonly deviceToken?: string;
}

export interface AuthenticationRecord {
  readonly id: string;
  readonly tenantId: string;
  readonly userId?: string;
  readonly kind: AuthenticationKind;
  readonly status: AuthenticationStatus;
  readonly denialReason?: DenialReason;
  readonly risk?: RiskView;
  readonly factors: readonly FactorOption[];
  readonly action?: ActionDetails;
  /** Methods verified so far (RFC 8176): pwd when the gateway checked the password. */
  readonly amr: readonly string[];
  readonly clientIp?: string;
  readonly userAgent?: string;
  readonly deviceId?: string;
  readonly deviceRemembered: boolean;
  readonly passwordChecked: boolean;
  /** The passwordless challenge started with the attempt. */
  readonly challengeId?: string;
  readonly createdAt: Date;
  readonly expiresAt: Date;
  readonly completedAt?: Date;
}

/** A pending attempt past its lifetime reads as EXPIRED, whatever the row still says. */
export function statusAt(a: AuthenticationRecord, now: Date): AuthenticationStatus {
  return a.status === 'CHALLENGE_REQUIRED' && a.expiresAt.getTime() <= now.getTime() ? 'EXPIRED' : a.status;
}

/**
 * The assurance of a successful attempt: aal2 once a factor was verified (with the password the
 * gateway checked, with the product's own first factor, or a passkey with user verification,
 * which is two factors in one); aal1 when the policy let the attempt through without one.
 */
export function acrOf(factorVerified: boolean): 'aal1' | 'aal2' {
  return factorVerified ? 'aal2' : 'aal1';
}

export function mergeAmr(...lists: readonly (readonly string[])[]): string[] {
  return [...new Set(lists.flat())];
}

/** Strongest first, then the user's preferred one; recovery codes last (they are for emergencies). */
export function orderFactors(factors: readonly FactorOption[]): FactorOption[] {
  const rank = (f: FactorOption) => (f.type === 'recovery_codes' ? -1 : f.strength);
  return [...factors].sort((a, b) => rank(b) - rank(a) || Number(b.preferred) - Number(a.preferred));
}

/** The text a step-up's code message shows the user (dynamic linking: what they approve). */
export function describeAction(action: ActionDetails): string {
  const amount = action.amount ? ` ${action.amount}${action.currency ? ` ${action.currency}` : ''}` : '';
  const payee = action.payee ? ` to ${action.payee}` : '';
  return `${action.type}${amount}${payee}`.slice(0, 200);
}
