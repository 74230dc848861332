import { createHash } from 'node:crypto';
import { validationFailed } from '@portcullis/errors';

/** The details of a sensitive action a step-up assertion is bound to (PSD2 dynamic linking). */
export interface ActionDetails {
  type: string;
  /** A non-negative decimal in plain notation: "120", "120.5", "120.50". */
  amount?: string;
  /** ISO 4217 code; compared case-insensitively. */
  currency?: string;
  payee?: string;
  reference?: string;
}

const AMOUNT = /^(\d+)(?:\.(\d*))?$/;
const MAX_AMOUNT_LENGTH = 64;

/**
 * The canonical form of an action, which backends recompute to check an assertion's `approved_action.hash`:
 *
 *   1. Fields, in this fixed order: `type`, `amount`, `currency`, `payee`, `reference`. Any other
 *      field is ignored (it is not covered by the hash).
 *   2. `type`: as given, not normalised; must not be empty.
 *   3. `amount`: surrounding whitespace trimmed; must then match `^\d+(\.\d*)?$` (no sign, exponent,
 *      thousands separator or decimal comma). Leading zeros of the integer part are dropped (one
 *      `0` is kept), trailing zeros of the fraction are dropped, and a dot left without a fraction
 *      is dropped: "0120.500" -> "120.5"; "120", "120." and "120.00" -> "120".
 *   4. `currency`: surrounding whitespace trimmed, then upper-cased (Unicode default case mapping,
 *      no locale): " eur " -> "EUR".
 *   5. `payee`, `reference`: Unicode NFC-normalised, then surrounding whitespace trimmed
 *      (ECMAScript `String.prototype.trim`: Unicode White_Space and line terminators).
 *   6. An optional field that is absent, or empty after step 3-5, is omitted from the object.
 *   7. The object is serialised as ECMAScript `JSON.stringify` does: no whitespace, non-ASCII
 *      characters written as UTF-8 (not \u-escaped), only `"`, `\` and control characters escaped.
 *      Python: `json.dumps(obj, separators=(",", ":"), ensure_ascii=False)` with keys inserted in
 *      the order above. (This is not RFC 8785: the key order is fixed, not sorted.)
 *   8. hash = unpadded base64url( SHA-256( UTF-8 bytes of that JSON ) ).
 *
 * Example: {type:"payment", amount:"120.00", currency:"eur", payee:"ACME Ltd "} ->
 * `{"type":"payment","amount":"120","currency":"EUR","payee":"ACME Ltd"}`.
 */
export function canonicalActionJson(action: ActionDetails): string {
  if (typeof action.type !== 'string' || action.type === '') {
    throw validationFailed([{ field: 'action.type', description: 'is required' }]);
  }
  const canonical: Record<string, string> = { type: action.type };
  const amount = normaliseAmount(action.amount);
  if (amount !== undefined) canonical['amount'] = amount;
  const currency = optionalText('action.currency', action.currency)?.trim().toUpperCase();
  if (currency) canonical['currency'] = currency;
  const payee = optionalText('action.payee', action.payee)?.normalize('NFC').trim();
  if (payee) canonical['payee'] = payee;
  const reference = optionalText('action.reference', action.reference)?.normalize('NFC').trim();
  if (reference) canonical['reference'] = reference;
  return JSON.stringify(canonical);
}

/** base64url SHA-256 of {@link canonicalActionJson}: the value carried in an assertion's `approved_action.hash`. */
export function actionHash(action: ActionDetails): string {
  return createHash('sha256').update(canonicalActionJson(action), 'utf8').digest('base64url');
}

function optionalText(field: string, value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw validationFailed([{ field, description: 'must be a string' }]);
  return value;
}

function normaliseAmount(value: unknown): string | undefined {
  const text = optionalText('action.amount', value)?.trim();
  if (text === undefined || text === '') return undefined;
  const match = text.length <= MAX_AMOUNT_LENGTH ? AMOUNT.exec(text) : null;
  if (match === null) {
    throw validationFailed([
      {
        field: 'action.amount',
        description: 'must be a non-negative decimal such as 120 or 120.50 (no sign, exponent or separators)',
      },
    ]);
  }
  const integer = (match[1] ?? '0').replace(/^0+(?=\d)/, '');
  const fraction = (match[2] ?? '').replace(/0+$/, '');
  return fraction === '' ? integer : `${integer}.${fraction}`;
}
