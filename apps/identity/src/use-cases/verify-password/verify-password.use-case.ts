import { randomBytes } from 'node:crypto';
import { Injectable, type OnModuleInit } from '@nestjs/common';
import { clientNetwork } from '../../domain/client-network';
import { normalisePassword } from '../../domain/password-policy';
import {
  Clock,
  IdentityUnitOfWork,
  LoginHasher,
  PasswordHasher,
  PasswordThrottle,
  type ThrottleKey,
} from '../../domain/ports';
import type { User, UserLogin } from '../../domain/user';

export interface VerifyPasswordInput {
  readonly tenantId: string;
  readonly login: UserLogin;
  readonly password: string;
  /** Canonical IP address; undefined when the caller sent none. */
  readonly clientIp?: string | undefined;
}

/** A wrong password is an answer, not an error: the gateway decides what the product is told. */
export type PasswordVerification =
  | { readonly result: 'VALID' | 'ACCOUNT_LOCKED' | 'ACCOUNT_DISABLED'; readonly user: User }
  | { readonly result: 'INVALID' }
  | { readonly result: 'THROTTLED'; readonly retryAfterSeconds: number };

const RESULT_OF_STATUS = {
  ACTIVE: 'VALID',
  LOCKED: 'ACCOUNT_LOCKED',
  DISABLED: 'ACCOUNT_DISABLED',
} as const;

/**
 * Checks a password without telling who exists (SECURITY.md 26) and without letting an attacker
 * lock the owner out (SECURITY.md 20):
 *
 * - the attempt is charged to (tenant, user or unknown login, client /24 or /48) before argon2
 *   runs, atomically, so parallel guesses cannot exceed the allowance; a success from that network
 *   clears it; other networks (the real owner's) are never affected;
 * - an unknown login or a user without a password is counted like a user (under a keyed hash of
 *   the login) and costs one argon2 verification against a dummy hash, so its answer, counters and
 *   timing look like a wrong password's;
 * - a locked or disabled user's status is told only to whoever knows the password (and they get
 *   nothing else).
 */
@Injectable()
export class VerifyPasswordUseCase implements OnModuleInit {
  private dummy: Promise<string> | undefined;

  constructor(
    private readonly uow: IdentityUnitOfWork,
    private readonly throttle: PasswordThrottle,
    private readonly hasher: PasswordHasher,
    private readonly logins: LoginHasher,
    private readonly clock: Clock,
  ) {}

  /** Hashes the dummy before the first request, so the first unknown login is not slower. */
  async onModuleInit(): Promise<void> {
    await this.dummyHash();
  }

  async execute(input: VerifyPasswordInput): Promise<PasswordVerification> {
    const found = await this.uow.run(async (tx) => {
      const user = await tx.users.findByLogin(input.tenantId, input.login);
      return user ? { user, hash: await tx.passwords.findHash(user.id) } : undefined;
    });
    const key: ThrottleKey = {
      tenantId: input.tenantId,
      subject: found
        ? `user:${found.user.id}`
        : `login:${this.logins.hash(input.tenantId, loginText(input.login))}`,
      network: clientNetwork(input.clientIp),
    };
    const now = this.clock.now();
    const charge = await this.throttle.charge(key, now);
    if (!charge.charged) return { result: 'THROTTLED', retryAfterSeconds: charge.retryAfterSeconds };

    const password = normalisePassword(input.password);
    if (!found?.hash) {
      await this.hasher.verify(await this.dummyHash(), password);
      return { result: 'INVALID' };
    }
    if (!(await this.hasher.verify(found.hash, password))) return { result: 'INVALID' };

    await this.throttle.clear(key);
    if (this.hasher.needsRehash(found.hash)) {
      const rehashed = await this.hasher.hash(password);
      await this.uow.run((tx) => tx.passwords.replaceHash(found.user.id, found.hash!, rehashed, now));
    }
    return { result: RESULT_OF_STATUS[found.user.status], user: found.user };
  }

  private dummyHash(): Promise<string> {
    this.dummy ??= this.hasher.hash(randomBytes(24).toString('base64url')).catch((error: unknown) => {
      this.dummy = undefined;
      throw error;
    });
    return this.dummy;
  }
}

/** Which alias and its value: an external id and an email that happen to be equal stay apart. */
function loginText(login: UserLogin): string {
  if ('userId' in login) return `user_id:${login.userId}`;
  if ('externalId' in login) return `external_id:${login.externalId}`;
  return `email:${login.email}`;
}
