import { identityV1, toTimestamp } from '@portcullis/contracts';
import type { Tenant } from '../domain/tenant';
import type { User } from '../domain/user';
import type { PasswordVerification } from '../use-cases/verify-password/verify-password.use-case';

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
    hasPassword: user.hasPassword,
  };
}

const PASSWORD_RESULT: Record<PasswordVerification['result'], identityV1.PasswordResult> = {
  VALID: identityV1.PasswordResult.PASSWORD_RESULT_VALID,
  INVALID: identityV1.PasswordResult.PASSWORD_RESULT_INVALID,
  THROTTLED: identityV1.PasswordResult.PASSWORD_RESULT_THROTTLED,
  ACCOUNT_LOCKED: identityV1.PasswordResult.PASSWORD_RESULT_ACCOUNT_LOCKED,
  ACCOUNT_DISABLED: identityV1.PasswordResult.PASSWORD_RESULT_ACCOUNT_DISABLED,
};

/** INVALID (whatever the cause) and THROTTLED carry no user, so they reveal nobody. */
export function toVerifyPasswordResponse(v: PasswordVerification): identityV1.VerifyPasswordResponse {
  return {
    result: PASSWORD_RESULT[v.result],
    user: 'user' in v ? toUserMessage(v.user) : undefined,
    retryAfterSeconds: v.result === 'THROTTLED' ? v.retryAfterSeconds : 0,
  };
}
