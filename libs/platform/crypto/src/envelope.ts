import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { KEY_BYTES, type KeyRing } from './key-ring';

/**
 * A secret at rest. `keyId` names the key-encryption key (KEK) and is stored in its own column
 * beside `value`, so a re-encrypt job can find rows still under an old key with a plain query.
 */
export interface SealedSecret {
  readonly keyId: string;
  /** `v1.<wrappedDek>.<dekIv>.<dekTag>.<iv>.<ciphertext>.<tag>`, each segment base64url. */
  readonly value: string;
}

/** The secret cannot be opened: unknown key, tampered or malformed value, or the wrong AAD. */
export class SecretUnreadableError extends Error {
  readonly code = 'SECRET_UNREADABLE';

  constructor(reason: string) {
    super(`Secret is unreadable: ${reason}`);
    this.name = 'SecretUnreadableError';
  }
}

const VERSION = 'v1';
const ALGORITHM = 'aes-256-gcm';
const IV_BYTES = 12;
const TAG_BYTES = 16;
const SEGMENT = /^[A-Za-z0-9_-]*$/;
const KEY_ID_SHAPE = /^[A-Za-z0-9_-]{1,32}$/;

interface Parts {
  readonly wrappedDek: Buffer;
  readonly dekIv: Buffer;
  readonly dekTag: Buffer;
  readonly iv: Buffer;
  readonly ciphertext: Buffer;
  readonly tag: Buffer;
}

function encrypt(key: Buffer, iv: Buffer, aad: string, plaintext: Buffer): { data: Buffer; tag: Buffer } {
  const cipher = createCipheriv(ALGORITHM, key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(Buffer.from(aad, 'utf8'));
  const data = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return { data, tag: cipher.getAuthTag() };
}

/** Throws whatever node:crypto throws on a failed tag; callers map it to SecretUnreadableError. */
function decrypt(key: Buffer, iv: Buffer, aad: string, data: Buffer, tag: Buffer): Buffer {
  const decipher = createDecipheriv(ALGORITHM, key, iv, { authTagLength: TAG_BYTES });
  decipher.setAAD(Buffer.from(aad, 'utf8'));
  decipher.setAuthTag(tag);
  return Buffer.concat([decipher.update(data), decipher.final()]);
}

/** Strict base64url: the value must re-encode to itself, so no two strings decode alike. */
function decodeSegment(segment: string, name: string, length?: number): Buffer {
  const bytes = Buffer.from(segment, 'base64url');
  if (!SEGMENT.test(segment) || bytes.toString('base64url') !== segment) {
    throw new SecretUnreadableError(`malformed ${name}`);
  }
  if (length !== undefined && bytes.length !== length) throw new SecretUnreadableError(`malformed ${name}`);
  return bytes;
}

function parse(value: unknown): Parts {
  if (typeof value !== 'string') throw new SecretUnreadableError('value is not a string');
  const segments = value.split('.');
  if (segments.length !== 7) throw new SecretUnreadableError('malformed value');
  const [version, wrappedDek, dekIv, dekTag, iv, ciphertext, tag] = segments as [
    string,
    string,
    string,
    string,
    string,
    string,
    string,
  ];
  if (version !== VERSION) throw new SecretUnreadableError('unsupported format version');
  return {
    wrappedDek: decodeSegment(wrappedDek, 'wrapped data key', KEY_BYTES),
    dekIv: decodeSegment(dekIv, 'data key IV', IV_BYTES),
    dekTag: decodeSegment(dekTag, 'data key tag', TAG_BYTES),
    iv: decodeSegment(iv, 'IV', IV_BYTES),
    ciphertext: decodeSegment(ciphertext, 'ciphertext'),
    tag: decodeSegment(tag, 'tag', TAG_BYTES),
  };
}

function format(parts: Parts): string {
  const { wrappedDek, dekIv, dekTag, iv, ciphertext, tag } = parts;
  const encoded = [wrappedDek, dekIv, dekTag, iv, ciphertext, tag].map((part) => part.toString('base64url'));
  return [VERSION, ...encoded].join('.');
}

/**
 * AES-256-GCM envelope encryption for secrets at rest (TOTP seeds, recovery material, ...).
 * Each secret gets a fresh 32-byte data key (DEK) that encrypts the plaintext with the caller's
 * AAD (e.g. `factor:<id>`, so a ciphertext cannot be moved to another row); the DEK is wrapped
 * by the ring's active key-encryption key with the key id as AAD.
 */
export class EnvelopeCipher {
  constructor(private readonly ring: KeyRing) {
    if (!ring.key(ring.activeKeyId)) throw new Error('The key ring has no key for its active key id');
  }

  seal(plaintext: Buffer | string, aad: string): SealedSecret {
    const data = typeof plaintext === 'string' ? Buffer.from(plaintext, 'utf8') : plaintext;
    const dek = randomBytes(KEY_BYTES);
    try {
      const iv = randomBytes(IV_BYTES);
      const body = encrypt(dek, iv, aad, data);
      return this.wrap(dek, { iv, ciphertext: body.data, tag: body.tag });
    } finally {
      dek.fill(0);
    }
  }

  open(sealed: SealedSecret, aad: string): Buffer {
    return this.unseal(sealed, aad, (_parts, _dek, plaintext) => plaintext);
  }

  /** True while the secret is wrapped by a key other than the ring's active one. */
  needsRotation(sealed: SealedSecret): boolean {
    return sealed.keyId !== this.ring.activeKeyId;
  }

  /**
   * Re-wraps the data key under the active KEK; the body is kept as is. The whole secret is
   * authenticated first (hence `aad`), so rotation never launders a tampered or misplaced value.
   */
  rotate(sealed: SealedSecret, aad: string): SealedSecret {
    return this.unseal(sealed, aad, (parts, dek, plaintext) => {
      plaintext.fill(0);
      return this.needsRotation(sealed) ? this.wrap(dek, parts) : sealed;
    });
  }

  /** Parses, unwraps and authenticates; the data key is zeroed once `use` returns. */
  private unseal<T>(
    sealed: SealedSecret,
    aad: string,
    use: (parts: Parts, dek: Buffer, plaintext: Buffer) => T,
  ): T {
    if (typeof sealed !== 'object' || sealed === null) throw new SecretUnreadableError('not a sealed secret');
    const parts = parse(sealed.value);
    const dek = this.unwrap(sealed.keyId, parts);
    try {
      let plaintext: Buffer;
      try {
        plaintext = decrypt(dek, parts.iv, aad, parts.ciphertext, parts.tag);
      } catch {
        throw new SecretUnreadableError('authentication failed (tampered value or wrong AAD)');
      }
      return use(parts, dek, plaintext);
    } finally {
      dek.fill(0);
    }
  }

  private wrap(dek: Buffer, body: Pick<Parts, 'iv' | 'ciphertext' | 'tag'>): SealedSecret {
    const keyId = this.ring.activeKeyId;
    const kek = this.ring.key(keyId);
    if (!kek) throw new Error('The key ring has no key for its active key id');
    const dekIv = randomBytes(IV_BYTES);
    const wrapped = encrypt(kek, dekIv, keyId, dek);
    const { iv, ciphertext, tag } = body; // never spread: `body` may be a full Parts with the old wrap
    return {
      keyId,
      value: format({ wrappedDek: wrapped.data, dekIv, dekTag: wrapped.tag, iv, ciphertext, tag }),
    };
  }

  private unwrap(keyId: unknown, parts: Parts): Buffer {
    if (typeof keyId !== 'string') throw new SecretUnreadableError('key id is not a string');
    // Key ids are not secret, but one read from storage is echoed only if it looks like a key id.
    const kek = this.ring.key(keyId);
    if (!kek) {
      throw new SecretUnreadableError(
        KEY_ID_SHAPE.test(keyId) ? `unknown key id "${keyId}"` : 'unknown key id',
      );
    }
    try {
      return decrypt(kek, parts.dekIv, keyId, parts.wrappedDek, parts.dekTag);
    } catch {
      throw new SecretUnreadableError('data key authentication failed (tampered value or wrong key)');
    }
  }
}
