import { MessagingTables1764316800000 } from '@portcullis/messaging';
import { GatewaySchema1764748800700 } from './1764748800700-gateway-schema';

export const GATEWAY_MIGRATIONS = [MessagingTables1764316800000, GatewaySchema1764748800700];
