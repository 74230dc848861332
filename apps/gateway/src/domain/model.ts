/**
 * What the gateway knows of the platform's records, independent of any wire format.
 *
 * Factors, challenges and factor policies have no view here: the gateway relays them, and the
 * generated `factorsV1` contract types (`@portcullis/contracts`) are the shared language between
 * the gateway and factors. The FactorsDirectory port speaks them directly.
 */
export interface TenantView {
  readonly id: string;
  readonly name: string;
  readonly status: 'ACTIVE' | 'SUSPENDED';
  readonly createdAt: Date;
}

export interface UserView {
  readonly id: string;
  readonly tenantId: string;
  readonly externalId: string;
  readonly email: string;
  readonly phoneNumber: string;
  readonly status: 'ACTIVE' | 'LOCKED' | 'DISABLED';
  readonly createdAt: Date;
}

export interface AuditEventView {
  readonly eventId: string;
  readonly tenantId: string;
  readonly type: string;
  readonly userId: string;
  readonly source: string;
  readonly occurredAt: Date;
  readonly recordedAt: Date;
  readonly dataJson: string;
  /** Position in the tenant's hash chain (int64 as a decimal string). */
  readonly sequence: string;
  /** success, failure, denied, challenged or none. */
  readonly outcome: string;
  /** SHA-256 (hex) of the record, covering `previousHash`. */
  readonly hash: string;
  readonly previousHash: string;
  /** The full client IP while audit's IP retention allows; empty afterwards. */
  readonly clientIp: string;
}

export interface AuditEventPageView {
  readonly events: readonly AuditEventView[];
  readonly nextPageToken: string;
}
