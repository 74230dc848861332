/*
 * Creates what the demo needs in a running Portcullis, with the operator's token, and prints the
 * demo's settings:
 *
 *   PORTCULLIS_ADMIN_TOKEN=$(cat .local/admin-token) node -r @swc-node/register apps/demo/src/setup.ts
 *
 * 1. a tenant, with an admin API key (policies) and a runtime API key (the shop's backend);
 * 2. its risk policy: risk-based MFA, and a step-up for payments of 100 EUR or more;
 * 3. its factor policy: passkeys bound to the demo's origin (DEMO_ORIGIN, http://localhost:3000).
 */
import { PortcullisClient } from '@portcullis/sdk';
import { loadSetupConfig } from './config';

async function setup(): Promise<void> {
  const config = loadSetupConfig();
  const operator = new PortcullisClient({
    baseUrl: config.PORTCULLIS_URL,
    apiKey: config.PORTCULLIS_ADMIN_TOKEN,
  });
  const { tenant } = await operator.createTenant({ name: config.DEMO_TENANT_NAME });
  const admin = await operator.createApiKey({ tenantId: tenant.id, name: 'demo admin', scope: 'admin' });

  // From here on the tenant's own administrator key, as its administrators would work.
  const tenantAdmin = new PortcullisClient({
    baseUrl: config.PORTCULLIS_URL,
    apiKey: admin.secret,
    tenantId: tenant.id,
  });
  const runtime = await tenantAdmin.createApiKey({ name: 'acme shop backend', scope: 'runtime' });
  await tenantAdmin.setRiskPolicy({
    policy: {
      mfaMode: 'risk_based',
      stepUpRules: [{ actionType: 'payment', minAmount: '100', currency: 'EUR', decision: 'challenge' }],
    },
  });
  // Passkeys are bound to the pages that create and use them: the demo's.
  await tenantAdmin.setFactorPolicy({
    policy: {
      webauthn: {
        rpId: new URL(config.DEMO_ORIGIN).hostname,
        rpName: config.DEMO_TENANT_NAME,
        origins: [config.DEMO_ORIGIN],
      },
    },
  });

  process.stdout.write(
    [
      `# Acme Shop demo: tenant "${tenant.name}" (${tenant.id})`,
      `PORTCULLIS_URL=${config.PORTCULLIS_URL}`,
      `PORTCULLIS_TENANT_ID=${tenant.id}`,
      `PORTCULLIS_API_KEY=${runtime.secret}`,
      `DEMO_PORT=${new URL(config.DEMO_ORIGIN).port || '80'}`,
      `# the tenant's admin key, for its policies (never give it to the demo):`,
      `# PORTCULLIS_ADMIN_KEY=${admin.secret}`,
      '',
    ].join('\n'),
  );
}

setup().catch((error: unknown) => {
  process.stderr.write(`setup failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
