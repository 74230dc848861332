export type UserStatus = 'ACTIVE' | 'LOCKED' | 'DISABLED';

export interface User {
  readonly id: string;
  readonly tenantId: string;
  readonly externalId: string;
  readonly email: string | undefined;
  /** E.164. */
  readonly phoneNumber: string | undefined;
  readonly status: UserStatus;
  readonly createdAt: Date;
}

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
