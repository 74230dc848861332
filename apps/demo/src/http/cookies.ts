/**
 * Just enough cookie handling for the demo (RFC 6265 names and values), so that it needs no
 * plugin: parse the Cookie header, write one Set-Cookie value.
 */

/** The cookies of a request; a malformed pair is skipped, the first of two equal names wins. */
export function parseCookies(header: string | undefined): Record<string, string> {
  const cookies: Record<string, string> = {};
  for (const pair of (header ?? '').split(';')) {
    const at = pair.indexOf('=');
    if (at <= 0) continue;
    const name = pair.slice(0, at).trim();
    let value = pair.slice(at + 1).trim();
    if (value.startsWith('"') && value.endsWith('"') && value.length >= 2) value = value.slice(1, -1);
    if (name && !(name in cookies)) {
      try {
        cookies[name] = decodeURIComponent(value);
      } catch {
        // Not percent-encoded by us: ignore it.
      }
    }
  }
  return cookies;
}

export interface CookieOptions {
  /** Seconds; 0 deletes the cookie. Absent: a browser-session cookie. */
  readonly maxAge?: number;
  /** Sent over HTTPS only (true whenever the demo is served over HTTPS). */
  readonly secure: boolean;
  readonly sameSite: 'Strict' | 'Lax';
}

/** One Set-Cookie value: always HttpOnly and for the whole site. */
export function serializeCookie(name: string, value: string, options: CookieOptions): string {
  const parts = [
    `${name}=${encodeURIComponent(value)}`,
    'Path=/',
    'HttpOnly',
    `SameSite=${options.sameSite}`,
  ];
  if (options.maxAge !== undefined) parts.push(`Max-Age=${Math.max(0, Math.floor(options.maxAge))}`);
  if (options.secure) parts.push('Secure');
  return parts.join('; ');
}
