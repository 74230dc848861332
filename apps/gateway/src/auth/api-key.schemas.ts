import { z } from 'zod';
import { API_KEY_ID } from './api-key';

/** Shape checks of the API key RPCs and routes, shared by the HTTP and gRPC edges. */
const tenantId = z.uuid({ error: 'must be a UUID' });

export const apiKeyScopeSchema = z.enum(['admin', 'runtime'], { error: 'must be admin or runtime' });

export const createApiKeySchema = z.object({
  tenantId,
  name: z
    .string({ error: 'must be a string' })
    .trim()
    .min(1, 'is required')
    .max(100, 'must be at most 100 characters')
    .regex(/^[^\p{Cc}]*$/u, 'must not contain control characters'),
  scope: apiKeyScopeSchema,
});

export const listApiKeysSchema = z.object({ tenantId });

export const revokeApiKeySchema = z.object({
  tenantId,
  keyId: z.string({ error: 'must be a string' }).regex(API_KEY_ID, 'is not an API key id'),
});
