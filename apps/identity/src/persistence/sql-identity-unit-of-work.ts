import type { EventType } from '@portcullis/contracts';
import type { NewEvent, OutboxWriter } from '@portcullis/messaging';
import { isUniqueViolation, queryRows } from '@portcullis/persistence';
import type { DataSource, EntityManager } from 'typeorm';
import { emailTaken, userAlreadyExists } from '../domain/identity.errors';
import type {
  IdentityTransaction,
  IdentityUnitOfWork,
  PasswordCredentialRepository,
  TenantRepository,
  UserRepository,
} from '../domain/ports';
import type { Tenant } from '../domain/tenant';
import type { User, UserLogin, UserStatus } from '../domain/user';

interface TenantRow {
  id: string;
  name: string;
  status: Tenant['status'];
  created_at: Date;
}

interface UserRow {
  id: string;
  tenant_id: string;
  external_id: string;
  email: string | null;
  phone_number: string | null;
  status: User['status'];
  created_at: Date;
  has_password: boolean;
}

const toTenant = (r: TenantRow): Tenant => ({
  id: r.id,
  name: r.name,
  status: r.status,
  createdAt: r.created_at,
});
const toUser = (r: UserRow): User => ({
  id: r.id,
  tenantId: r.tenant_id,
  externalId: r.external_id,
  email: r.email ?? undefined,
  phoneNumber: r.phone_number ?? undefined,
  status: r.status,
  createdAt: r.created_at,
  hasPassword: r.has_password,
});

/** Users with whether they have a password; never the hash. */
const USER_SELECT = `SELECT u.id, u.tenant_id, u.external_id, u.email, u.phone_number, u.status, u.created_at,
    EXISTS (SELECT 1 FROM password_credentials c WHERE c.user_id = u.id) AS has_password
  FROM users u`;

class SqlTenantRepository implements TenantRepository {
  constructor(private readonly manager: EntityManager) {}

  async findById(id: string): Promise<Tenant | undefined> {
    const rows = await queryRows<TenantRow>(this.manager, 'SELECT * FROM tenants WHERE id = $1', [id]);
    return rows[0] ? toTenant(rows[0]) : undefined;
  }

  async insert(t: Tenant): Promise<void> {
    await this.manager.query('INSERT INTO tenants (id, name, status, created_at) VALUES ($1, $2, $3, $4)', [
      t.id,
      t.name,
      t.status,
      t.createdAt,
    ]);
  }
}

class SqlUserRepository implements UserRepository {
  constructor(private readonly manager: EntityManager) {}

  private async one(where: string, params: unknown[], suffix = ''): Promise<User | undefined> {
    const rows = await queryRows<UserRow>(this.manager, `${USER_SELECT} WHERE ${where}${suffix}`, params);
    return rows[0] ? toUser(rows[0]) : undefined;
  }

  findById(tenantId: string, id: string): Promise<User | undefined> {
    return this.one('u.tenant_id = $1 AND u.id = $2', [tenantId, id]);
  }

  findByIdForUpdate(tenantId: string, id: string): Promise<User | undefined> {
    return this.one('u.tenant_id = $1 AND u.id = $2', [tenantId, id], ' FOR UPDATE OF u');
  }

  findByLogin(tenantId: string, login: UserLogin): Promise<User | undefined> {
    if ('userId' in login) return this.findById(tenantId, login.userId);
    if ('externalId' in login)
      return this.one('u.tenant_id = $1 AND u.external_id = $2', [tenantId, login.externalId]);
    // lower(email) is what the unique index covers.
    return this.one('u.tenant_id = $1 AND lower(u.email) = lower($2)', [tenantId, login.email]);
  }

  async insert(u: User): Promise<void> {
    try {
      await this.manager.query(
        `INSERT INTO users (id, tenant_id, external_id, email, phone_number, status, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)`,
        [u.id, u.tenantId, u.externalId, u.email ?? null, u.phoneNumber ?? null, u.status, u.createdAt],
      );
    } catch (error) {
      if (isUniqueViolation(error, 'users_tenant_external_id_key')) throw userAlreadyExists();
      if (isUniqueViolation(error, 'users_tenant_email_key')) throw emailTaken();
      throw error;
    }
  }

  async setStatus(tenantId: string, id: string, status: UserStatus): Promise<void> {
    await this.manager.query('UPDATE users SET status = $3 WHERE tenant_id = $1 AND id = $2', [
      tenantId,
      id,
      status,
    ]);
  }
}

/**
 * A failed statement of the privileged repository, without what TypeORM and pg attach (the query
 * parameters, "Failing row contains (…)"): those hold the hash, and an internal error is logged
 * whole (SECURITY.md 30).
 */
export class CredentialQueryError extends Error {
  constructor(readonly sqlState: string | undefined) {
    super(`password credential statement failed${sqlState ? ` (SQLSTATE ${sqlState})` : ''}`);
    this.name = 'CredentialQueryError';
  }
}

async function withoutParameters<T>(statement: () => Promise<T>): Promise<T> {
  try {
    return await statement();
  } catch (error) {
    const e = error as { code?: unknown; driverError?: { code?: unknown } };
    const state = e.driverError?.code ?? e.code;
    throw new CredentialQueryError(typeof state === 'string' ? state : undefined);
  }
}

/** The privileged repository (STYLE.md 9): the only SQL that touches password hashes. */
class SqlPasswordCredentialRepository implements PasswordCredentialRepository {
  constructor(private readonly manager: EntityManager) {}

  async findHash(userId: string): Promise<string | undefined> {
    const rows = await withoutParameters(() =>
      queryRows<{ hash: string }>(this.manager, 'SELECT hash FROM password_credentials WHERE user_id = $1', [
        userId,
      ]),
    );
    return rows[0]?.hash;
  }

  async save(userId: string, hash: string, at: Date): Promise<void> {
    await withoutParameters(() =>
      this.manager.query(
        `INSERT INTO password_credentials (user_id, hash, created_at, updated_at) VALUES ($1, $2, $3, $3)
         ON CONFLICT (user_id) DO UPDATE SET hash = EXCLUDED.hash, updated_at = EXCLUDED.updated_at`,
        [userId, hash, at],
      ),
    );
  }

  async replaceHash(userId: string, current: string, next: string, at: Date): Promise<boolean> {
    const rows = await withoutParameters(() =>
      queryRows<unknown>(
        this.manager,
        `UPDATE password_credentials SET hash = $3, updated_at = $4
         WHERE user_id = $1 AND hash = $2 RETURNING 1`,
        [userId, current, next, at],
      ),
    );
    return rows.length === 1;
  }
}

export class SqlIdentityUnitOfWork implements IdentityUnitOfWork {
  constructor(
    private readonly dataSource: DataSource,
    private readonly outbox: OutboxWriter,
  ) {}

  run<T>(work: (tx: IdentityTransaction) => Promise<T>): Promise<T> {
    return this.dataSource.transaction((manager) =>
      work({
        tenants: new SqlTenantRepository(manager),
        users: new SqlUserRepository(manager),
        passwords: new SqlPasswordCredentialRepository(manager),
        events: {
          record: async <K extends EventType>(event: NewEvent<K>) => {
            await this.outbox.append(manager, event);
          },
        },
      }),
    );
  }
}
