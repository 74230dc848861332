export type TenantStatus = 'ACTIVE' | 'SUSPENDED';

export interface Tenant {
  readonly id: string;
  readonly name: string;
  readonly status: TenantStatus;
  readonly createdAt: Date;
}
