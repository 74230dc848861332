import { MessagingTables1764316800000 } from '@portcullis/messaging';

/** The risk domain's own tables arrive with its issue; the outbox and inbox are here from day one. */
export const RISK_MIGRATIONS = [MessagingTables1764316800000];
