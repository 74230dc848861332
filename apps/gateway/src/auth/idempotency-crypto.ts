import { createCipheriv, createDecipheriv, createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { KeyedHasher } from '@portcullis/crypto';

const REQUEST_CONTEXT = 'gateway.idempotency.request';
const RESPONSE_KEY_CONTEXT = 'gateway.idempotency.response-key';
const VERSION = 'v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;

export interface IdempotentRequest {
  readonly method: string;
  /** Path and query string. */
  readonly url: string;
  /** Headers that change what the request means (e.g. X-End-User-IP). */
  readonly headers: Readonly<Record<string, string | undefined>>;
  /** The parsed JSON body. */
  readonly body: unknown;
}

/** SHA-256 (hex) of the Authorization header: the principal idempotency records are scoped by. */
export function principalOf(authorization: string): string {
  return createHash('sha256').update(authorization, 'utf8').digest('hex');
}

/**
 * What idempotency records hold, protected. Bodies carry passwords and codes, and responses carry
 * API key secrets, TOTP seeds and recovery codes, so neither is stored as it is:
 * - the request is stored as a keyed hash (a plain SHA-256 of a 6-digit code or a password is
 *   cheap to reverse);
 * - the response is sealed with AES-256-GCM under a key derived from the pepper, the caller's
 *   Authorization header and the Idempotency-Key: neither the database alone nor another caller
 *   can open it, only the same caller repeating the same request.
 */
export class IdempotencyCrypto {
  constructor(private readonly hasher: KeyedHasher) {}

  requestHash(request: IdempotentRequest): string {
    const headers = Object.keys(request.headers)
      .sort()
      .map((name) => [name, request.headers[name] ?? null]);
    return this.hasher.hash(
      JSON.stringify([request.method.toUpperCase(), request.url, headers, request.body ?? null]),
      REQUEST_CONTEXT,
    );
  }

  sameRequest(storedHash: string, requestHash: string): boolean {
    const a = Buffer.from(storedHash, 'utf8');
    const b = Buffer.from(requestHash, 'utf8');
    return a.length === b.length && timingSafeEqual(a, b);
  }

  seal(response: unknown, authorization: string, idempotencyKey: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.keyOf(authorization, idempotencyKey), iv, {
      authTagLength: TAG_BYTES,
    });
    cipher.setAAD(Buffer.from(idempotencyKey, 'utf8'));
    const plaintext = Buffer.from(JSON.stringify({ response: response ?? null }), 'utf8');
    const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
    return [VERSION, iv, ciphertext, cipher.getAuthTag()]
      .map((part) => (typeof part === 'string' ? part : part.toString('base64url')))
      .join('.');
  }

  /** The sealed response; throws when it was sealed for another caller or key, or tampered with. */
  open(sealed: string, authorization: string, idempotencyKey: string): unknown {
    const [version, iv, ciphertext, tag, ...rest] = sealed.split('.');
    if (version !== VERSION || !iv || ciphertext === undefined || !tag || rest.length > 0) {
      throw new Error('unreadable idempotency record');
    }
    const decipher = createDecipheriv(
      'aes-256-gcm',
      this.keyOf(authorization, idempotencyKey),
      Buffer.from(iv, 'base64url'),
      { authTagLength: TAG_BYTES },
    );
    decipher.setAAD(Buffer.from(idempotencyKey, 'utf8'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    const plaintext = Buffer.concat([
      decipher.update(Buffer.from(ciphertext, 'base64url')),
      decipher.final(),
    ]);
    return (JSON.parse(plaintext.toString('utf8')) as { response: unknown }).response;
  }

  private keyOf(authorization: string, idempotencyKey: string): Buffer {
    // HTTP header values cannot hold NUL, so the pair is unambiguous.
    return Buffer.from(
      this.hasher.hash(`${authorization}\u0000${idempotencyKey}`, RESPONSE_KEY_CONTEXT),
      'hex',
    );
  }
}
