import { userDisabled } from './identity.errors';

export type UserStatus = 'ACTIVE' | 'LOCKED' | 'DISABLED';

export interface User {
  readonly id: string;
  readonly tenantId: string;
  readonly externalId: string;
  /** Lower-case; unique within the tenant. */
  readonly email: string | undefined;
  /** E.164. */
  readonly phoneNumber: string | undefined;
  readonly status: UserStatus;
  readonly createdAt: Date;
  /** Whether a password credential exists (the hash itself is only in the privileged repository). */
  readonly hasPassword: boolean;
}

/** How a caller names a user: every alias resolves to the same user (and the same counters). */
export type UserLogin =
  { readonly userId: string } | { readonly externalId: string } | { readonly email: string };

/** "jane@example.com" → "j***@example.com": enough for a person to recognise, nothing more. */
export function emailHint(email: string | undefined): string {
  if (!email) return '';
  const at = email.lastIndexOf('@');
  return `${email.slice(0, 1)}***${email.slice(at)}`;
}

/** "+447700900123" → "+44*******23". */
export function phoneHint(phone: string | undefined): string {
  if (!phone) return '';
  return `${phone.slice(0, 3)}${'*'.repeat(Math.max(phone.length - 5, 0))}${phone.slice(-2)}`;
}

export type StatusChange = 'lock' | 'unlock' | 'disable';

/**
 * The status after an administrative change; the same status when the change is a no-op
 * (idempotent). Disabling is final: a disabled user can be neither locked nor unlocked, since
 * lock-then-unlock would otherwise bring it back.
 */
export function nextStatus(current: UserStatus, change: StatusChange): UserStatus {
  if (change === 'disable') return 'DISABLED';
  if (current === 'DISABLED') throw userDisabled();
  return change === 'lock' ? 'LOCKED' : 'ACTIVE';
}
