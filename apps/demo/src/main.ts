/*
 * Acme Shop: a stand-in for a customer's product backend that integrates Portcullis over its
 * public HTTP API with the TypeScript SDK, exactly as a customer would. Deliberately plain —
 * Fastify, a handful of routes, a signed cookie, one static page — and deliberately *not* built
 * like the Portcullis services (no NestJS, no platform libraries, no database): what it shows is
 * the integration, and a customer's backend owes nothing to how Portcullis is built inside.
 *
 *   node -r @swc-node/register apps/demo/src/main.ts   (settings: see config.ts and README.md)
 */
import { loadDemoConfig } from './config';
import { buildDemoApp } from './demo-app';

async function main(): Promise<void> {
  const config = loadDemoConfig();
  const app = buildDemoApp(config);
  const stop = (signal: string) => {
    app.log.info({ signal }, 'stopping');
    app.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
  const address = await app.listen({ port: config.DEMO_PORT, host: config.DEMO_HOST });
  app.log.info({ address, portcullis: config.PORTCULLIS_URL }, 'Acme Shop demo listening');
}

main().catch((error: unknown) => {
  process.stderr.write(`acme-demo: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
