import { type Config, eventDrivenServiceSchema, loadConfig } from '@portcullis/config';
import { z } from 'zod';

const DAY_MS = 24 * 60 * 60 * 1000;

export const auditConfigSchema = eventDrivenServiceSchema({
  grpcPort: 50065,
  database: 'portcullis_audit',
})
  .extend({
    AUDIT_CONSUMER_GROUP: z.string().min(1).default('portcullis-audit'),
    /** Events applied per transaction (one chain-head lock and one INSERT per batch). */
    AUDIT_BATCH_SIZE: z.coerce.number().int().min(1).max(5000).default(1000),
    /** Transactions a batch is split into by tenant, applied side by side. */
    AUDIT_LANES: z.coerce.number().int().min(1).max(32).default(4),
    /** Whole days of audit records kept; older daily partitions are dropped. */
    AUDIT_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(400),
    /** Whole days full client IP addresses are kept (the records keep the /24 or /48 only). */
    AUDIT_IP_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(30),
    /** How often partitions are created ahead and retention runs. */
    AUDIT_MAINTENANCE_INTERVAL_MS: z.coerce
      .number()
      .int()
      .min(1000)
      .default(60 * 60 * 1000),
  })
  .refine((c) => c.AUDIT_IP_RETENTION_DAYS <= c.AUDIT_RETENTION_DAYS, {
    error: 'AUDIT_IP_RETENTION_DAYS cannot exceed AUDIT_RETENTION_DAYS',
    path: ['AUDIT_IP_RETENTION_DAYS'],
  });

export type AuditConfig = Config<typeof auditConfigSchema>;

export const retentionMs = (days: number) => days * DAY_MS;

/** The only reader of process.env in this service. */
export function loadAuditConfig(env: Readonly<Record<string, string | undefined>>): AuditConfig {
  return loadConfig(auditConfigSchema, env);
}
