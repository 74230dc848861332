import { MessagingTables1764316800000 } from '@portcullis/messaging';

/** The factors domain's own tables arrive with its issue; the outbox and inbox are here from day one. */
export const FACTORS_MIGRATIONS = [MessagingTables1764316800000];
