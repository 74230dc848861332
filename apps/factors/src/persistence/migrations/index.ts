import { MessagingTables1764316800000 } from '@portcullis/messaging';
import { FactorsSchema1764403200100 } from './1764403200100-factors-schema';

export const FACTORS_MIGRATIONS = [MessagingTables1764316800000, FactorsSchema1764403200100];
