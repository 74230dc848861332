import { fromTimestamp, identityV1, PROTO_FILES, PROTO_PACKAGES } from '@portcullis/contracts';
import { GrpcPeer } from '@portcullis/grpc';
import type { TenantView, UserView } from '../domain/model';
import {
  type CreateUserCommand,
  IdentityDirectory,
  type PasswordCheck,
  type UserLookup,
} from '../domain/ports';

const TENANT_STATUS: Record<string, TenantView['status']> = {
  [identityV1.TenantStatus.TENANT_STATUS_ACTIVE]: 'ACTIVE',
  [identityV1.TenantStatus.TENANT_STATUS_SUSPENDED]: 'SUSPENDED',
};
const USER_STATUS: Record<string, UserView['status']> = {
  [identityV1.UserStatus.USER_STATUS_ACTIVE]: 'ACTIVE',
  [identityV1.UserStatus.USER_STATUS_LOCKED]: 'LOCKED',
  [identityV1.UserStatus.USER_STATUS_DISABLED]: 'DISABLED',
};

function toTenantView(t: identityV1.Tenant | undefined): TenantView {
  if (!t) throw new Error('identity returned no tenant');
  return {
    id: t.id,
    name: t.name,
    status: TENANT_STATUS[t.status] ?? 'SUSPENDED',
    createdAt: fromTimestamp(t.createTime) ?? new Date(0),
  };
}

function toUserView(u: identityV1.User | undefined): UserView {
  if (!u) throw new Error('identity returned no user');
  return {
    id: u.id,
    tenantId: u.tenantId,
    externalId: u.externalId,
    email: u.email,
    phoneNumber: u.phoneNumber,
    status: USER_STATUS[u.status] ?? 'DISABLED',
    createdAt: fromTimestamp(u.createTime) ?? new Date(0),
  };
}

export class GrpcIdentityDirectory extends IdentityDirectory {
  private readonly peer: GrpcPeer<identityV1.IdentityServiceClient>;

  constructor(url: string, deadlineMs: number) {
    super();
    this.peer = new GrpcPeer({
      url,
      protoPath: PROTO_FILES.identity,
      packageName: PROTO_PACKAGES.identity,
      serviceName: identityV1.IDENTITY_SERVICE_NAME,
      deadlineMs,
    });
  }

  async createTenant(name: string): Promise<TenantView> {
    return toTenantView((await this.peer.call('createTenant', { name })).tenant);
  }

  async createUser(c: CreateUserCommand): Promise<UserView> {
    const response = await this.peer.call('createUser', {
      tenantId: c.tenantId,
      externalId: c.externalId,
      email: c.email ?? '',
      phoneNumber: c.phoneNumber ?? '',
    });
    return toUserView(response.user);
  }

  async getUser(lookup: UserLookup): Promise<UserView> {
    return toUserView((await this.peer.call('getUser', lookup)).user);
  }

  async verifyPassword(
    lookup: UserLookup,
    password: string,
    clientIp: string | undefined,
  ): Promise<PasswordCheck> {
    const r = await this.peer.call('verifyPassword', { ...lookup, password, clientIp: clientIp ?? '' });
    switch (r.result) {
      case identityV1.PasswordResult.PASSWORD_RESULT_VALID:
        return { result: 'VALID', user: toUserView(r.user) };
      case identityV1.PasswordResult.PASSWORD_RESULT_THROTTLED:
        return { result: 'THROTTLED', retryAfterSeconds: r.retryAfterSeconds };
      case identityV1.PasswordResult.PASSWORD_RESULT_ACCOUNT_LOCKED:
        return { result: 'ACCOUNT_LOCKED', user: toUserView(r.user) };
      case identityV1.PasswordResult.PASSWORD_RESULT_ACCOUNT_DISABLED:
        return { result: 'ACCOUNT_DISABLED', user: toUserView(r.user) };
      default:
        return { result: 'INVALID' };
    }
  }

  async setPassword(tenantId: string, userId: string, password: string): Promise<void> {
    await this.peer.call('setPassword', { tenantId, userId, password });
  }

  async lockUser(tenantId: string, userId: string, reason: string, actor: string): Promise<UserView> {
    return toUserView((await this.peer.call('lockUser', { tenantId, userId, reason, actor })).user);
  }

  async unlockUser(tenantId: string, userId: string, reason: string, actor: string): Promise<UserView> {
    return toUserView((await this.peer.call('unlockUser', { tenantId, userId, reason, actor })).user);
  }

  onModuleDestroy(): void {
    this.peer.close();
  }
}
