import { identityV1, toTimestamp } from '@portcullis/contracts';
import type { Tenant } from '../domain/tenant';
import type { User } from '../domain/user';

export function toTenantMessage(tenant: Tenant): identityV1.Tenant {
  return {
    id: tenant.id,
    name: tenant.name,
    status:
      tenant.status === 'ACTIVE'
        ? identityV1.TenantStatus.TENANT_STATUS_ACTIVE
        : identityV1.TenantStatus.TENANT_STATUS_SUSPENDED,
    createTime: toTimestamp(tenant.createdAt),
  };
}

const USER_STATUS: Record<User['status'], identityV1.UserStatus> = {
  ACTIVE: identityV1.UserStatus.USER_STATUS_ACTIVE,
  LOCKED: identityV1.UserStatus.USER_STATUS_LOCKED,
  DISABLED: identityV1.UserStatus.USER_STATUS_DISABLED,
};

export function toUserMessage(user: User): identityV1.User {
  return {
    id: user.id,
    tenantId: user.tenantId,
    externalId: user.externalId,
    email: user.email ?? '',
    phoneNumber: user.phoneNumber ?? '',
    status: USER_STATUS[user.status],
    createTime: toTimestamp(user.createdAt),
  };
}
