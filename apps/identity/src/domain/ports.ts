import type { EventType } from '@portcullis/contracts';
import type { NewEvent } from '@portcullis/messaging';
import type { Tenant } from './tenant';
import type { User, UserLogin, UserStatus } from './user';

export interface TenantRepository {
  findById(id: string): Promise<Tenant | undefined>;
  insert(tenant: Tenant): Promise<void>;
}

export interface UserRepository {
  findById(tenantId: string, id: string): Promise<User | undefined>;
  /** By id, external id or email (case-insensitive). */
  findByLogin(tenantId: string, login: UserLogin): Promise<User | undefined>;
  /** Reads the user and holds its row until the transaction ends (status changes serialise). */
  findByIdForUpdate(tenantId: string, id: string): Promise<User | undefined>;
  /** Fails with USER_ALREADY_EXISTS (external id) or EMAIL_TAKEN when taken in the tenant. */
  insert(user: User): Promise<void>;
  setStatus(tenantId: string, id: string, status: UserStatus): Promise<void>;
}

/**
 * The privileged repository (STYLE.md 9): the only code that reads or writes password hashes.
 * Nothing else in the service, and no RPC, ever sees one.
 */
export interface PasswordCredentialRepository {
  findHash(userId: string): Promise<string | undefined>;
  /** Stores the user's first hash or replaces the current one. */
  save(userId: string, hash: string, at: Date): Promise<void>;
  /** Replaces `current` by `next` only if `current` is still stored (a concurrent SetPassword wins). */
  replaceHash(userId: string, current: string, next: string, at: Date): Promise<boolean>;
}

export interface EventRecorder {
  record<K extends EventType>(event: NewEvent<K>): Promise<void>;
}

/** Everything one use-case may touch, bound to one database transaction. */
export interface IdentityTransaction {
  readonly tenants: TenantRepository;
  readonly users: UserRepository;
  readonly passwords: PasswordCredentialRepository;
  readonly events: EventRecorder;
}

export abstract class IdentityUnitOfWork {
  abstract run<T>(work: (tx: IdentityTransaction) => Promise<T>): Promise<T>;
}

/** One counter of password failures: a user (or an unknown login) from one client network. */
export interface ThrottleKey {
  readonly tenantId: string;
  /** `user:<id>` for a known user, `login:<keyed hash>` for a login that names nobody. */
  readonly subject: string;
  /** `a.b.c.0/24`, `x:y:z::/48` or `unknown`. */
  readonly network: string;
}

export type ThrottleCharge =
  { readonly charged: true } | { readonly charged: false; readonly retryAfterSeconds: number };

/**
 * Password failure counting, outside any request transaction: each charge is durable (and
 * visible to every instance) before the password is even hashed.
 */
export abstract class PasswordThrottle {
  /**
   * Counts this attempt as a failure if the key has had fewer than the allowed failures within
   * the window; otherwise charges nothing and says when the oldest one leaves the window.
   * Atomic: of N parallel calls, at most the remaining allowance are charged.
   */
  abstract charge(key: ThrottleKey, now: Date): Promise<ThrottleCharge>;
  /** A success: the key's failures are forgotten. */
  abstract clear(key: ThrottleKey): Promise<void>;
}

/** Password hashing (argon2id in production); the parameters belong to the adapter. */
export abstract class PasswordHasher {
  abstract hash(password: string): Promise<string>;
  /** False (not a throw) for a wrong password or a hash it cannot read. */
  abstract verify(hash: string, password: string): Promise<boolean>;
  /** True when `hash` was made with another algorithm or weaker parameters than the current ones. */
  abstract needsRehash(hash: string): boolean;
}

/** Keyed hash (HMAC) of logins that name nobody, so their failures are counted without storing them. */
export abstract class LoginHasher {
  abstract hash(tenantId: string, login: string): string;
}

export abstract class Clock {
  abstract now(): Date;
}

export abstract class IdGenerator {
  abstract next(): string;
}
