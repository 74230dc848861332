import { MessagingTables1764316800000 } from '@portcullis/messaging';
import { AuditSchema1764316800200 } from './1764316800200-audit-schema';
import { AuditChain1764316800210 } from './1764316800210-audit-chain';
import { AuditKpis1764316800220 } from './1764316800220-audit-kpis';
import { AuditPublisher1764316800230 } from './1764316800230-audit-publisher';

export const AUDIT_MIGRATIONS = [
  MessagingTables1764316800000,
  AuditSchema1764316800200,
  AuditChain1764316800210,
  AuditKpis1764316800220,
  AuditPublisher1764316800230,
];
