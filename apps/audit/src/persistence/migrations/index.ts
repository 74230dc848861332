import { MessagingTables1764316800000 } from '@portcullis/messaging';
import { AuditSchema1764316800200 } from './1764316800200-audit-schema';

export const AUDIT_MIGRATIONS = [MessagingTables1764316800000, AuditSchema1764316800200];
