import type { EventType } from '@portcullis/contracts';
import type { NewEvent, OutboxWriter } from '@portcullis/messaging';
import { isUniqueViolation } from '@portcullis/persistence';
import type { DataSource, EntityManager } from 'typeorm';
import { userAlreadyExists } from '../domain/identity.errors';
import type {
  IdentityTransaction,
  IdentityUnitOfWork,
  TenantRepository,
  UserRepository,
} from '../domain/ports';
import type { Tenant } from '../domain/tenant';
import type { User } from '../domain/user';

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
});

class SqlTenantRepository implements TenantRepository {
  constructor(private readonly manager: EntityManager) {}

  async findById(id: string): Promise<Tenant | undefined> {
    const rows: TenantRow[] = await this.manager.query('SELECT * FROM tenants WHERE id = $1', [id]);
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

  async findById(tenantId: string, id: string): Promise<User | undefined> {
    const rows: UserRow[] = await this.manager.query('SELECT * FROM users WHERE tenant_id = $1 AND id = $2', [
      tenantId,
      id,
    ]);
    return rows[0] ? toUser(rows[0]) : undefined;
  }

  async findByExternalId(tenantId: string, externalId: string): Promise<User | undefined> {
    const rows: UserRow[] = await this.manager.query(
      'SELECT * FROM users WHERE tenant_id = $1 AND external_id = $2',
      [tenantId, externalId],
    );
    return rows[0] ? toUser(rows[0]) : undefined;
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
      throw error;
    }
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
        events: {
          record: async <K extends EventType>(event: NewEvent<K>) => {
            await this.outbox.append(manager, event);
          },
        },
      }),
    );
  }
}
