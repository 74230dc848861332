import type { EventType } from '@portcullis/contracts';
import type { NewEvent } from '@portcullis/messaging';
import {
  type IdentityTransaction,
  type IdentityUnitOfWork,
  LoginHasher,
  PasswordHasher,
  PasswordThrottle,
  type ThrottleCharge,
  type ThrottleKey,
} from '../src/domain/ports';
import type { Tenant } from '../src/domain/tenant';
import type { User, UserLogin } from '../src/domain/user';

type StoredUser = Omit<User, 'hasPassword'>;

/**
 * The identity store in memory for use-case unit tests: a unit of work commits on success and
 * discards everything on failure, like the SQL one.
 */
export class InMemoryIdentity {
  tenants: Tenant[];
  users = new Map<string, StoredUser>();
  hashes = new Map<string, string>();
  events: NewEvent<EventType>[] = [];

  constructor(tenants: Tenant[] = []) {
    this.tenants = [...tenants];
  }

  addUser(user: StoredUser, hash?: string): User {
    this.users.set(user.id, user);
    if (hash) this.hashes.set(user.id, hash);
    return { ...user, hasPassword: hash !== undefined };
  }

  readonly uow: IdentityUnitOfWork = {
    run: async <T>(work: (tx: IdentityTransaction) => Promise<T>): Promise<T> => {
      const tenants = [...this.tenants];
      const users = new Map(this.users);
      const hashes = new Map(this.hashes);
      const events: NewEvent<EventType>[] = [];
      const view = (u: StoredUser | undefined): User | undefined =>
        u && { ...u, hasPassword: hashes.has(u.id) };
      const byLogin = (tenantId: string, login: UserLogin) =>
        [...users.values()].find(
          (u) =>
            u.tenantId === tenantId &&
            ('userId' in login
              ? u.id === login.userId
              : 'externalId' in login
                ? u.externalId === login.externalId
                : u.email?.toLowerCase() === login.email.toLowerCase()),
        );
      const result = await work({
        tenants: {
          findById: async (id) => tenants.find((t) => t.id === id),
          insert: async (t) => {
            tenants.push(t);
          },
        },
        users: {
          findById: async (tenantId, id) => view(byLogin(tenantId, { userId: id })),
          findByIdForUpdate: async (tenantId, id) => view(byLogin(tenantId, { userId: id })),
          findByLogin: async (tenantId, login) => view(byLogin(tenantId, login)),
          insert: async (u) => {
            users.set(u.id, u);
          },
          setStatus: async (_tenantId, id, status) => {
            users.set(id, { ...users.get(id)!, status });
          },
        },
        passwords: {
          findHash: async (userId) => hashes.get(userId),
          save: async (userId, hash) => {
            hashes.set(userId, hash);
          },
          replaceHash: async (userId, current, next) => {
            if (hashes.get(userId) !== current) return false;
            hashes.set(userId, next);
            return true;
          },
        },
        events: {
          record: async (e) => {
            events.push(e);
          },
        },
      });
      this.tenants = tenants;
      this.users = users;
      this.hashes = hashes;
      this.events.push(...events);
      return result;
    },
  };
}

/**
 * A transparent stand-in for argon2: `v<version>:<password>`. A hasher of a higher version asks
 * to rehash hashes of a lower one, as argon2 parameters that grew would.
 */
export class FakePasswordHasher extends PasswordHasher {
  readonly verified: { hash: string; password: string }[] = [];

  constructor(readonly version = 2) {
    super();
  }

  async hash(password: string): Promise<string> {
    return `v${this.version}:${password}`;
  }

  async verify(hash: string, password: string): Promise<boolean> {
    this.verified.push({ hash, password });
    return hash.slice(hash.indexOf(':') + 1) === password;
  }

  needsRehash(hash: string): boolean {
    return Number(/^v(\d+):/.exec(hash)?.[1] ?? 0) < this.version;
  }
}

/** The sliding window of the SQL throttle, in memory (one caller at a time). */
export class InMemoryPasswordThrottle extends PasswordThrottle {
  readonly failures = new Map<string, Date[]>();

  constructor(
    private readonly maxFailures = 10,
    private readonly windowSeconds = 900,
  ) {
    super();
  }

  static keyOf(key: ThrottleKey): string {
    return `${key.tenantId}|${key.subject}|${key.network}`;
  }

  async charge(key: ThrottleKey, now: Date): Promise<ThrottleCharge> {
    const since = now.getTime() - this.windowSeconds * 1000;
    const live = (this.failures.get(InMemoryPasswordThrottle.keyOf(key)) ?? []).filter(
      (d) => d.getTime() > since,
    );
    if (live.length >= this.maxFailures) {
      const freesAt = live[live.length - this.maxFailures].getTime() + this.windowSeconds * 1000;
      return { charged: false, retryAfterSeconds: Math.max(1, Math.ceil((freesAt - now.getTime()) / 1000)) };
    }
    this.failures.set(InMemoryPasswordThrottle.keyOf(key), [...live, now]);
    return { charged: true };
  }

  async clear(key: ThrottleKey): Promise<void> {
    this.failures.delete(InMemoryPasswordThrottle.keyOf(key));
  }
}

/** Deterministic, keyed-looking, and never the login itself. */
export class FakeLoginHasher extends LoginHasher {
  hash(tenantId: string, login: string): string {
    return Buffer.from(`${tenantId}/${login}`).toString('hex').split('').reverse().join('');
  }
}

export class SettableClock {
  constructor(public current: Date) {}

  now(): Date {
    return new Date(this.current);
  }

  advance(seconds: number): void {
    this.current = new Date(this.current.getTime() + seconds * 1000);
  }
}
