import { hash, verify } from '@node-rs/argon2';
import { PasswordHasher } from '../domain/ports';

export interface Argon2Parameters {
  /** Memory in KiB (`m=`). */
  readonly memoryCost: number;
  /** Passes (`t=`). */
  readonly timeCost: number;
  /** Lanes (`p=`). */
  readonly parallelism: number;
}

/** OWASP Password Storage Cheat Sheet, argon2id: m=19456 KiB (19 MiB), t=2, p=1. */
export const OWASP_ARGON2ID: Argon2Parameters = { memoryCost: 19_456, timeCost: 2, parallelism: 1 };

/** @node-rs/argon2's `Algorithm.Argon2id`, a const enum that is not available at run time. */
const ARGON2ID = 2;
/** Version 0x13 (19), the current one. */
const ARGON2_VERSION = 19;

const PHC = /^\$(argon2(?:id|i|d))\$v=(\d+)\$m=(\d+),t=(\d+),p=(\d+)\$[A-Za-z0-9+/]+\$[A-Za-z0-9+/]+$/;

/**
 * argon2id in PHC string form (`$argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>`), 16-byte random
 * salt, 32-byte output, on libuv's thread pool (never blocks the event loop).
 */
export class Argon2PasswordHasher extends PasswordHasher {
  constructor(private readonly parameters: Argon2Parameters = OWASP_ARGON2ID) {
    super();
  }

  hash(password: string): Promise<string> {
    return hash(password, { ...this.parameters, algorithm: ARGON2ID, outputLen: 32 });
  }

  async verify(stored: string, password: string): Promise<boolean> {
    if (!PHC.test(stored)) return false;
    try {
      return await verify(stored, password);
    } catch {
      return false;
    }
  }

  needsRehash(stored: string): boolean {
    const match = PHC.exec(stored);
    if (!match) return true;
    const [, algorithm, version, m, t, p] = match;
    return (
      algorithm !== 'argon2id' ||
      Number(version) < ARGON2_VERSION ||
      Number(m) < this.parameters.memoryCost ||
      Number(t) < this.parameters.timeCost ||
      Number(p) < this.parameters.parallelism
    );
  }
}
