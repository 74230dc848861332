import ipaddr from 'ipaddr.js';

/**
 * Fields never kept, whatever the event: producers already leave secrets out, and this is the
 * second line of defence (SECURITY.md 30).
 */
const SECRET_KEY =
  /^(code|otp|passcode|password|secret|token)$|^sealed|(Secret|Password|Passcode|Token|Otp)$/;

/** Keys whose values are contact details; producers send hints, a raw value is masked here. */
const CONTACT_KEY = /(email|phone|destination|recipient)/i;

const EMAIL = /^([^@\s]+)@([^@\s]+\.[^@\s]+)$/;
const EMAIL_IN_TEXT = /[^@\s]+@[^@\s]+\.[^@\s]+/g;
const PHONE = /^\+?[\d\s().-]{7,}$/;

/** Keys holding the end user's address: truncated in the chained record, the full one kept apart. */
const IP_KEYS = new Set(['clientIp']);

const MAX_STRING = 512;

export interface Minimised {
  readonly data: Record<string, unknown>;
  /** The first full client address found, for the IP table and its shorter retention. */
  readonly clientIp: string | undefined;
}

/** An e-mail address as `j***@example.com`, a phone number as `*******89`. */
export function maskContact(value: string): string {
  if (value.includes('*')) return value; // already a hint
  const email = EMAIL.exec(value);
  if (email) return `${email[1]?.slice(0, 1) ?? ''}***@${email[2]}`;
  if (PHONE.test(value)) {
    const digits = value.replace(/\D/g, '');
    return `${'*'.repeat(Math.max(0, digits.length - 2))}${digits.slice(-2)}`;
  }
  return value;
}

/** The /24 (IPv4) or /48 (IPv6) network of an address; an unparsable value is dropped. */
export function truncateIp(value: string): string | undefined {
  let address: ipaddr.IPv4 | ipaddr.IPv6;
  try {
    // process() also turns an IPv4-mapped IPv6 address into the IPv4 one.
    address = ipaddr.process(value);
  } catch {
    return undefined;
  }
  if (address.kind() === 'ipv4') {
    const [a, b, c] = address.toByteArray();
    return `${a}.${b}.${c}.0/24`;
  }
  const bytes = address.toByteArray().slice(0, 6).concat(new Array<number>(10).fill(0));
  return `${ipaddr.fromByteArray(bytes).toString()}/48`;
}

/**
 * The payload as the audit log keeps it: no secrets, contacts masked, client addresses cut to
 * their network, over-long strings shortened. Anything that looks like an e-mail address is
 * masked wherever it appears, since a free-text field may carry one.
 */
export function minimise(data: Record<string, unknown>): Minimised {
  let clientIp: string | undefined;
  const visit = (value: unknown, key: string): unknown => {
    if (typeof value === 'string') {
      if (IP_KEYS.has(key)) {
        const network = truncateIp(value);
        if (network) clientIp ??= value;
        return network;
      }
      // PostgreSQL's jsonb refuses NUL characters; they carry nothing an auditor needs.
      const text = value.includes('\u0000') ? value.split('\u0000').join('') : value;
      let masked = text;
      if (CONTACT_KEY.test(key)) masked = maskContact(text);
      else if (text.includes('@')) masked = text.replace(EMAIL_IN_TEXT, (address) => maskContact(address));
      return masked.length > MAX_STRING ? `${masked.slice(0, MAX_STRING)}…` : masked;
    }
    if (Array.isArray(value)) return value.map((item) => visit(item, key));
    if (value && typeof value === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) {
        if (SECRET_KEY.test(k)) continue;
        const kept = visit(v, k);
        if (kept !== undefined) out[k] = kept;
      }
      return out;
    }
    return value;
  };
  return { data: visit(data, '') as Record<string, unknown>, clientIp };
}
