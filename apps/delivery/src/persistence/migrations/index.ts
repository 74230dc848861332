import { MessagingTables1764316800000 } from '@portcullis/messaging';
import { DeliverySchema1764489600300 } from './1764489600300-delivery-schema';

export const DELIVERY_MIGRATIONS = [MessagingTables1764316800000, DeliverySchema1764489600300];
