import { createHash } from 'node:crypto';
import type { ActionDetails } from './portcullis-api.types';

/** JOSE `typ` of a Portcullis MFA assertion: check it, so no other JWT passes for one. */
export const ASSERTION_JWT_TYPE = 'portcullis-assertion+jwt';

/** Claim binding a step-up assertion to its action: `{ type, hash }` with hash = `actionHash(action)`. */
export const APPROVED_ACTION_CLAIM = 'approved_action';

/** The default `aud` of a tenant's assertions (the gateway's `audienceOf` may be configured otherwise). */
export function assertionAudience(tenantId: string): string {
  return `portcullis:tenant:${tenantId}`;
}

export interface ActionDetailsInit {
  /** What is approved: a lower-case name such as `payment`, `payee_added`, `email_changed`. */
  readonly type: string;
  /** A non-negative decimal string such as "120.00": never a float (`(cents / 100).toFixed(2)`). */
  readonly amount?: string;
  /** ISO 4217 code, e.g. EUR (upper-cased here). */
  readonly currency?: string;
  /** Who receives the money or the change, as the customer sees it (1 to 200 characters). */
  readonly payee?: string;
  /** The product's own reference of the action (1 to 200 characters). */
  readonly reference?: string;
}

const TYPE = /^[a-z][a-z0-9_.-]{0,63}$/;
const AMOUNT = /^\d{1,15}(\.\d{1,6})?$/;
const CURRENCY = /^[A-Za-z]{3}$/;

/**
 * Builds the `action` of a step-up (PSD2 dynamic linking): the customer approves exactly these
 * details, and the assertion carries a hash of them, so an assertion for "120 EUR to ACME" does
 * not approve "9 000 EUR to Mallory". Checks the fields as the gateway does (so a mistake fails
 * here, not as VALIDATION_FAILED) and throws a RangeError naming every bad field.
 *
 * Pass the same details to `introspectAssertion({ token, action })`, or compare
 * `actionHash(action)` with the JWT's `approved_action.hash` when verifying the JWT yourself.
 *
 * ```ts
 * const action = actionDetails({ type: 'payment', amount: '120.00', currency: 'eur', payee: 'ACME Ltd', reference: 'INV-1' });
 * // { type: 'payment', amount: '120.00', currency: 'EUR', payee: 'ACME Ltd', reference: 'INV-1' }
 * ```
 */
export function actionDetails(init: ActionDetailsInit): ActionDetails {
  const problems: string[] = [];
  if (typeof init.type !== 'string' || !TYPE.test(init.type)) {
    problems.push('type must be a lower-case name such as payment (at most 64 characters)');
  }
  const amount = init.amount?.trim();
  if (amount !== undefined && !AMOUNT.test(amount)) {
    problems.push('amount must be a non-negative decimal string such as 120.00');
  }
  const currency = init.currency?.trim();
  if (currency !== undefined && !CURRENCY.test(currency)) {
    problems.push('currency must be an ISO 4217 code such as EUR');
  }
  const text = (field: 'payee' | 'reference'): string => {
    const value = init[field]?.trim();
    if (value === undefined) return '';
    if (value.length < 1 || value.length > 200) problems.push(`${field} must be 1 to 200 characters`);
    return value;
  };
  const payee = text('payee');
  const reference = text('reference');
  if (problems.length > 0) throw new RangeError(`Invalid action details: ${problems.join('; ')}`);
  return {
    type: init.type,
    amount: amount ?? '',
    currency: currency?.toUpperCase() ?? '',
    payee,
    reference,
  };
}

/** `actionDetails()` for a payment: amount, currency and payee are required. */
export function paymentAction(
  init: Omit<ActionDetailsInit, 'type'> & { amount: string; currency: string; payee: string },
) {
  return actionDetails({ ...init, type: 'payment' });
}

/**
 * The canonical JSON of an action, as the gateway hashes it (apps/gateway/src/assertions/action-hash.ts):
 * fields in the order type, amount, currency, payee, reference; amount without leading zeros,
 * trailing fraction zeros or a bare dot ("0120.500" → "120.5", "120.00" → "120"); currency
 * trimmed and upper-cased; payee and reference NFC-normalised and trimmed; empty fields left out.
 */
export function canonicalActionJson(action: Partial<ActionDetails> & { type: string }): string {
  if (typeof action.type !== 'string' || action.type === '') throw new RangeError('action.type is required');
  const canonical: Record<string, string> = { type: action.type };
  const amount = canonicalAmount(action.amount);
  if (amount !== undefined) canonical['amount'] = amount;
  const currency = action.currency?.trim().toUpperCase();
  if (currency) canonical['currency'] = currency;
  const payee = action.payee?.normalize('NFC').trim();
  if (payee) canonical['payee'] = payee;
  const reference = action.reference?.normalize('NFC').trim();
  if (reference) canonical['reference'] = reference;
  return JSON.stringify(canonical);
}

/** base64url SHA-256 of `canonicalActionJson(action)`: a step-up assertion's `approved_action.hash`. */
export function actionHash(action: Partial<ActionDetails> & { type: string }): string {
  return createHash('sha256').update(canonicalActionJson(action), 'utf8').digest('base64url');
}

function canonicalAmount(value: string | undefined): string | undefined {
  const text = value?.trim();
  if (text === undefined || text === '') return undefined;
  const match = text.length <= 64 ? /^(\d+)(?:\.(\d*))?$/.exec(text) : null;
  if (match === null) throw new RangeError('action.amount must be a non-negative decimal such as 120.50');
  const integer = (match[1] ?? '0').replace(/^0+(?=\d)/, '');
  const fraction = (match[2] ?? '').replace(/0+$/, '');
  return fraction === '' ? integer : `${integer}.${fraction}`;
}
