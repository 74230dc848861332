import { type Config, eventDrivenServiceSchema, loadConfig } from '@portcullis/config';
import { z } from 'zod';

export const auditConfigSchema = eventDrivenServiceSchema({
  grpcPort: 50065,
  database: 'portcullis_audit',
}).extend({
  AUDIT_CONSUMER_GROUP: z.string().min(1).default('portcullis-audit'),
});

export type AuditConfig = Config<typeof auditConfigSchema>;

/** The only reader of process.env in this service. */
export function loadAuditConfig(env: Readonly<Record<string, string | undefined>>): AuditConfig {
  return loadConfig(auditConfigSchema, env);
}
