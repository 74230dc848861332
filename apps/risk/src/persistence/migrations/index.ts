import { MessagingTables1764316800000 } from '@portcullis/messaging';
import { RiskSchema1764576000500 } from './1764576000500-risk-schema';

export const RISK_MIGRATIONS = [MessagingTables1764316800000, RiskSchema1764576000500];
