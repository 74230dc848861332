import { MessagingTables1764316800000 } from '@portcullis/messaging';
import { IdentitySchema1764316800100 } from './1764316800100-identity-schema';
import { IdentityCredentials1764662400600 } from './1764662400600-identity-credentials';

export const IDENTITY_MIGRATIONS = [
  MessagingTables1764316800000,
  IdentitySchema1764316800100,
  IdentityCredentials1764662400600,
];
