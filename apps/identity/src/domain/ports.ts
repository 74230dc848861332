import type { NewEvent } from '@portcullis/messaging';
import type { EventType } from '@portcullis/contracts';
import type { Tenant } from './tenant';
import type { User } from './user';

export interface TenantRepository {
  findById(id: string): Promise<Tenant | undefined>;
  insert(tenant: Tenant): Promise<void>;
}

export interface UserRepository {
  findById(tenantId: string, id: string): Promise<User | undefined>;
  findByExternalId(tenantId: string, externalId: string): Promise<User | undefined>;
  /** Fails with USER_ALREADY_EXISTS when the external id is taken in the tenant. */
  insert(user: User): Promise<void>;
}

export interface EventRecorder {
  record<K extends EventType>(event: NewEvent<K>): Promise<void>;
}

/** Everything one use-case may touch, bound to one database transaction. */
export interface IdentityTransaction {
  readonly tenants: TenantRepository;
  readonly users: UserRepository;
  readonly events: EventRecorder;
}

export abstract class IdentityUnitOfWork {
  abstract run<T>(work: (tx: IdentityTransaction) => Promise<T>): Promise<T>;
}

export abstract class Clock {
  abstract now(): Date;
}

export abstract class IdGenerator {
  abstract next(): string;
}
