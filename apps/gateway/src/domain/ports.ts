import type { AuditEventPageView, TenantView, UserView } from './model';

export interface CreateUserCommand {
  readonly tenantId: string;
  readonly externalId: string;
  readonly email?: string | undefined;
  readonly phoneNumber?: string | undefined;
}

export type UserLookup =
  | { readonly tenantId: string; readonly userId: string }
  | { readonly tenantId: string; readonly externalId: string };

export interface AuditQuery {
  readonly tenantId: string;
  readonly userId?: string | undefined;
  readonly type?: string | undefined;
  readonly pageSize?: number | undefined;
  readonly pageToken?: string | undefined;
}

/** Port to the identity service. */
export abstract class IdentityDirectory {
  abstract createTenant(name: string): Promise<TenantView>;
  abstract createUser(command: CreateUserCommand): Promise<UserView>;
  abstract getUser(lookup: UserLookup): Promise<UserView>;
}

/** Port to the audit service. */
export abstract class AuditReader {
  abstract list(query: AuditQuery): Promise<AuditEventPageView>;
}
