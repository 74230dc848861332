import { createHash, generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';
import type {
  AuthenticationResponseJSON,
  AuthenticatorAttachment,
  PublicKeyCredentialCreationOptionsJSON,
  PublicKeyCredentialRequestOptionsJSON,
  RegistrationResponseJSON,
} from '@simplewebauthn/server';
import { isoCBOR } from '@simplewebauthn/server/helpers';

export interface SoftwareAuthenticatorOptions {
  /** Origin the fake browser claims in clientDataJSON (default 'http://localhost:8080'). */
  origin?: string;
  /** Override the RP ID hashed into authenticatorData (default: options.rp.id / options.rpId). */
  rpId?: string;
  /** UV flag, default true. */
  userVerified?: boolean;
  /** UP flag, default true. */
  userPresent?: boolean;
  /** BE flag, default false. */
  backupEligible?: boolean;
  /** BS flag, default false. */
  backupState?: boolean;
  /** UUID string, default '00000000-0000-0000-0000-000000000000'. */
  aaguid?: string;
  /** clientDataJSON.type override, e.g. to test a wrong type. */
  clientDataType?: string;
  /** authenticatorAttachment reported in the JSON (default 'platform'). */
  attachment?: 'platform' | 'cross-platform';
}

interface StoredCredential {
  id: string;
  privateKey: KeyObject;
  userHandle: string;
  rpId: string;
  counter: number;
}

const FLAG_UP = 0x01;
const FLAG_UV = 0x04;
const FLAG_BE = 0x08;
const FLAG_BS = 0x10;
const FLAG_AT = 0x40;
const MAX_COUNTER = 0xffff_ffff;
const ES256 = -7;
const DEFAULT_ORIGIN = 'http://localhost:8080';

const b64url = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64url');
const sha256 = (data: string | Uint8Array): Buffer => createHash('sha256').update(data).digest();

/**
 * A software WebAuthn authenticator plus "browser" for tests: produces RegistrationResponseJSON and
 * AuthenticationResponseJSON that @simplewebauthn/server verifies, with knobs for the flags, origin,
 * RP ID and signature counter so tests can also produce subtly invalid responses.
 * Attestation is always 'none'; keys are ES256 (P-256) held in memory only.
 */
export class SoftwareAuthenticator {
  private readonly credentials: StoredCredential[] = [];

  constructor(private readonly defaults: SoftwareAuthenticatorOptions = {}) {}

  /** navigator.credentials.create(): registers a fresh ES256 credential and returns its attestation. */
  async create(
    options: PublicKeyCredentialCreationOptionsJSON,
    overrides: SoftwareAuthenticatorOptions & { reuseCredentialId?: string } = {},
  ): Promise<RegistrationResponseJSON> {
    const opts = { ...this.defaults, ...overrides };
    const origin = opts.origin ?? DEFAULT_ORIGIN;
    const rpId = opts.rpId ?? options.rp.id ?? new URL(origin).hostname;

    const credentialIdBytes = opts.reuseCredentialId
      ? Buffer.from(opts.reuseCredentialId, 'base64url')
      : randomBytes(32);
    const id = b64url(credentialIdBytes);
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const jwk = publicKey.export({ format: 'jwk' });
    if (!jwk.x || !jwk.y) throw new Error('P-256 JWK export lacks x/y');
    const cosePublicKey = isoCBOR.encode(
      new Map<number, number | Uint8Array>([
        [1, 2], // kty: EC2
        [3, ES256], // alg
        [-1, 1], // crv: P-256
        [-2, new Uint8Array(Buffer.from(jwk.x, 'base64url'))],
        [-3, new Uint8Array(Buffer.from(jwk.y, 'base64url'))],
      ]),
    );

    const idLength = Buffer.alloc(2);
    idLength.writeUInt16BE(credentialIdBytes.length);
    const authData = Buffer.concat([
      authenticatorDataHeader(rpId, flagsOf(opts) | FLAG_AT, 0),
      aaguidBytes(opts.aaguid ?? '00000000-0000-0000-0000-000000000000'),
      idLength,
      credentialIdBytes,
      cosePublicKey,
    ]);
    const attestationObject = isoCBOR.encode(
      new Map<string, string | Uint8Array | Map<string, string>>([
        ['fmt', 'none'],
        ['attStmt', new Map<string, string>()],
        ['authData', new Uint8Array(authData)],
      ]),
    );

    const stored: StoredCredential = { id, privateKey, userHandle: options.user.id, rpId, counter: 0 };
    const existing = this.credentials.findIndex((c) => c.id === id);
    if (existing >= 0) this.credentials[existing] = stored;
    else this.credentials.push(stored);

    const attachment = attachmentOf(opts);
    return {
      id,
      rawId: id,
      type: 'public-key',
      authenticatorAttachment: attachment,
      clientExtensionResults: {},
      response: {
        clientDataJSON: clientData(opts.clientDataType ?? 'webauthn.create', options.challenge, origin),
        attestationObject: b64url(attestationObject),
        authenticatorData: b64url(authData),
        transports: attachment === 'cross-platform' ? ['usb'] : ['internal'],
        publicKeyAlgorithm: ES256,
        publicKey: b64url(publicKey.export({ format: 'der', type: 'spki' })),
      },
    };
  }

  /**
   * navigator.credentials.get(): signs an assertion with the first held credential listed in
   * allowCredentials (or, when it is empty, the first one for the RP ID), after moving its counter
   * by `counterStep` (default 1; 0 keeps it; negative moves it backwards, like a cloned authenticator).
   */
  async get(
    options: PublicKeyCredentialRequestOptionsJSON,
    overrides: SoftwareAuthenticatorOptions & { counterStep?: number; credentialId?: string } = {},
  ): Promise<AuthenticationResponseJSON> {
    const opts = { ...this.defaults, ...overrides };
    const origin = opts.origin ?? DEFAULT_ORIGIN;
    const requestedRpId = options.rpId ?? opts.rpId ?? new URL(origin).hostname;
    const rpId = opts.rpId ?? requestedRpId;

    const allowed = options.allowCredentials?.map((c) => c.id) ?? [];
    const credential = this.credentials.find((c) =>
      opts.credentialId !== undefined
        ? c.id === opts.credentialId
        : allowed.length > 0
          ? allowed.includes(c.id)
          : c.rpId === requestedRpId,
    );
    if (!credential) {
      throw new Error(
        `SoftwareAuthenticator holds no matching credential (rpId ${requestedRpId}, allowCredentials [${allowed.join(', ')}])`,
      );
    }
    credential.counter = clampCounter(credential.counter + (opts.counterStep ?? 1));

    const authData = authenticatorDataHeader(rpId, flagsOf(opts), credential.counter);
    const clientDataJSON = clientData(opts.clientDataType ?? 'webauthn.get', options.challenge, origin);
    // ES256 over authenticatorData || SHA-256(clientDataJSON); node emits the DER form WebAuthn expects.
    const signature = sign(
      'sha256',
      Buffer.concat([authData, sha256(Buffer.from(clientDataJSON, 'base64url'))]),
      { key: credential.privateKey, dsaEncoding: 'der' },
    );

    return {
      id: credential.id,
      rawId: credential.id,
      type: 'public-key',
      authenticatorAttachment: attachmentOf(opts),
      clientExtensionResults: {},
      response: {
        clientDataJSON,
        authenticatorData: b64url(authData),
        signature: b64url(signature),
        userHandle: credential.userHandle,
      },
    };
  }

  /** Ids (base64url) of credentials this authenticator holds. */
  credentialIds(): string[] {
    return this.credentials.map((c) => c.id);
  }

  /** Sets a credential's counter (to start counting from e.g. 100). */
  setCounter(credentialId: string, counter: number): void {
    const credential = this.credentials.find((c) => c.id === credentialId);
    if (!credential) throw new Error(`SoftwareAuthenticator holds no credential ${credentialId}`);
    if (!Number.isInteger(counter) || counter < 0 || counter > MAX_COUNTER) {
      throw new Error(`Signature counter must be a uint32, got ${counter}`);
    }
    credential.counter = counter;
  }
}

function flagsOf(opts: SoftwareAuthenticatorOptions): number {
  return (
    ((opts.userPresent ?? true) ? FLAG_UP : 0) |
    ((opts.userVerified ?? true) ? FLAG_UV : 0) |
    (opts.backupEligible ? FLAG_BE : 0) |
    (opts.backupState ? FLAG_BS : 0)
  );
}

function attachmentOf(opts: SoftwareAuthenticatorOptions): AuthenticatorAttachment {
  return opts.attachment ?? 'platform';
}

/** rpIdHash(32) | flags(1) | signCount(4, big-endian). */
function authenticatorDataHeader(rpId: string, flags: number, counter: number): Buffer {
  const header = Buffer.alloc(37);
  sha256(rpId).copy(header, 0);
  header.writeUInt8(flags, 32);
  header.writeUInt32BE(counter, 33);
  return header;
}

function clientData(type: string, challenge: string, origin: string): string {
  return Buffer.from(JSON.stringify({ type, challenge, origin, crossOrigin: false })).toString('base64url');
}

function aaguidBytes(aaguid: string): Buffer {
  const hex = aaguid.replace(/-/g, '');
  if (!/^[0-9a-fA-F]{32}$/.test(hex)) throw new Error(`Invalid AAGUID ${aaguid}`);
  return Buffer.from(hex, 'hex');
}

function clampCounter(counter: number): number {
  return Math.min(Math.max(Math.trunc(counter), 0), MAX_COUNTER);
}
