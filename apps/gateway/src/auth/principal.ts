/**
 * Who calls the gateway. The platform operator (GATEWAY_ADMIN_TOKEN) may do everything; a
 * tenant's API key acts only in its own tenant, with one of two scopes:
 * - `admin`: the tenant's configuration (factor policy, API keys, audit log, factor resets), and
 *   everything `runtime` may do;
 * - `runtime`: what a product backend does per end user (users, factors, challenges, sign-ins).
 * Creating tenants is the operator's alone.
 */
export type Scope = 'admin' | 'runtime';

export const SCOPES: readonly Scope[] = ['admin', 'runtime'];

export type Principal =
  | { readonly kind: 'operator' }
  | { readonly kind: 'api_key'; readonly keyId: string; readonly tenantId: string; readonly scope: Scope };

/** Who acts, in audit records, when the operator (bootstrap admin) token authorised the call. */
export const BOOTSTRAP_ADMIN_ACTOR = 'admin';

/** The actor recorded in audit fields: `admin` for the operator, `api_key:<id>` for a key. */
export function actorOf(principal: Principal): string {
  return principal.kind === 'operator' ? BOOTSTRAP_ADMIN_ACTOR : `api_key:${principal.keyId}`;
}
