import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { parseCookies, serializeCookie } from './cookies';

/** What a sign-in, step-up or re-authentication waits for: the answer to a challenge. */
export interface PendingAuthentication {
  /** sign_in, passwordless and step_up are Portcullis authentications; reauth is a bare factor challenge. */
  readonly kind: 'sign_in' | 'passwordless' | 'step_up' | 'reauth';
  /** The Portcullis authentication id (for reauth: the id the shop gave the challenge). */
  readonly id: string;
  /** For a step-up: the payment being approved. */
  readonly action?: { readonly amount: string; readonly currency: string; readonly payee: string };
}

/** The shop's session: who is signed in, and what is pending. */
export interface DemoSession {
  readonly userId?: string;
  readonly email?: string;
  readonly pending?: PendingAuthentication;
  /**
   * The challenge id of the last challenge verified in this session: Portcullis accepts it once,
   * within minutes, as the MFA proof for adding a factor.
   */
  readonly mfaProof?: string;
}

const SESSION_COOKIE = 'acme_session';
const DEVICE_COOKIE = 'device';
const REMEMBER_COOKIE = 'remember';
const SESSION_SECONDS = 8 * 60 * 60;
/** Browsers cap cookie lifetimes at 400 days. */
const DEVICE_SECONDS = 400 * 24 * 60 * 60;
const DEVICE_ID = /^[A-Za-z0-9_-]{16,64}$/;

/**
 * The session lives in a signed cookie: base64url(JSON) "." base64url(HMAC-SHA256). The key is
 * random per process (a restart signs everyone out), and each session carries its own expiry.
 * HttpOnly and SameSite=Strict: page scripts cannot read it and other sites cannot send it.
 *
 * Deliberately plain: a signed cookie cannot be revoked before it expires (logging out clears it
 * in this browser only). A real shop would keep sessions server-side.
 */
export class Sessions {
  private readonly key = randomBytes(32);

  read(request: FastifyRequest): DemoSession {
    const raw = parseCookies(request.headers.cookie)[SESSION_COOKIE];
    if (!raw) return {};
    const dot = raw.indexOf('.');
    if (dot <= 0) return {};
    const payload = raw.slice(0, dot);
    const given = Buffer.from(raw.slice(dot + 1), 'base64url');
    const expected = this.sign(payload);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return {};
    try {
      const { exp, ...session } = JSON.parse(
        Buffer.from(payload, 'base64url').toString('utf8'),
      ) as DemoSession & {
        exp: number;
      };
      return typeof exp === 'number' && exp * 1000 > Date.now() ? session : {};
    } catch {
      return {};
    }
  }

  write(request: FastifyRequest, reply: FastifyReply, session: DemoSession): void {
    const exp = Math.floor(Date.now() / 1000) + SESSION_SECONDS;
    const payload = Buffer.from(JSON.stringify({ ...session, exp }), 'utf8').toString('base64url');
    const value = `${payload}.${this.sign(payload).toString('base64url')}`;
    void reply.header('set-cookie', serializeCookie(SESSION_COOKIE, value, this.options(request, 'Strict')));
  }

  clear(request: FastifyRequest, reply: FastifyReply): void {
    void reply.header(
      'set-cookie',
      serializeCookie(SESSION_COOKIE, '', { ...this.options(request, 'Strict'), maxAge: 0 }),
    );
  }

  /** The long-lived id of this browser (risk's device signal); set on first use. */
  deviceId(request: FastifyRequest, reply: FastifyReply): string {
    const existing = parseCookies(request.headers.cookie)[DEVICE_COOKIE];
    if (existing && DEVICE_ID.test(existing)) return existing;
    const created = randomBytes(16).toString('base64url');
    void reply.header(
      'set-cookie',
      serializeCookie(DEVICE_COOKIE, created, { ...this.options(request, 'Lax'), maxAge: DEVICE_SECONDS }),
    );
    return created;
  }

  /** The remember-this-device token Portcullis issued to this browser, if any. */
  deviceToken(request: FastifyRequest): string | undefined {
    const token = parseCookies(request.headers.cookie)[REMEMBER_COOKIE];
    return token && token.length <= 4096 && /^[\x21-\x7E]+$/.test(token) ? token : undefined;
  }

  rememberDevice(
    request: FastifyRequest,
    reply: FastifyReply,
    token: string,
    expiresAt: Date | undefined,
  ): void {
    const seconds = expiresAt ? (expiresAt.getTime() - Date.now()) / 1000 : 30 * 24 * 60 * 60;
    void reply.header(
      'set-cookie',
      serializeCookie(REMEMBER_COOKIE, token, { ...this.options(request, 'Lax'), maxAge: seconds }),
    );
  }

  private sign(payload: string): Buffer {
    return createHmac('sha256', this.key).update(`${SESSION_COOKIE}.${payload}`).digest();
  }

  private options(request: FastifyRequest, sameSite: 'Strict' | 'Lax') {
    return { secure: request.protocol === 'https', sameSite };
  }
}
