import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PortcullisClient } from '@portcullis/sdk';
import Fastify, { type FastifyInstance } from 'fastify';
import type { DemoConfig } from './config';
import { DemoError, sendError } from './http/errors';
import { Sessions } from './http/session';
import { AssertionVerifier } from './portcullis/assertion-verifier';
import { registerChallengeRoutes } from './routes/challenges.routes';
import type { DemoDeps } from './routes/flow';
import { registerFactorRoutes } from './routes/factors.routes';
import { registerPaymentRoutes } from './routes/payments.routes';
import { registerSignInRoutes } from './routes/sign-in.routes';

const PUBLIC_DIR = join(__dirname, '..', 'public');

/** The page and its assets, read once; nothing else is served from disk. */
const ASSETS: Record<string, { file: string; type: string }> = {
  '/': { file: 'index.html', type: 'text/html; charset=utf-8' },
  '/app.js': { file: 'app.js', type: 'text/javascript; charset=utf-8' },
  '/webauthn-json.js': { file: 'webauthn-json.js', type: 'text/javascript; charset=utf-8' },
  '/style.css': { file: 'style.css', type: 'text/css; charset=utf-8' },
};

/** Same-origin only: the page loads nothing from elsewhere (the QR code is a data: URL). */
const CONTENT_SECURITY_POLICY =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
  "base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

export function buildDemoApp(config: DemoConfig): FastifyInstance {
  const app = Fastify({
    logger: { level: config.DEMO_LOG_LEVEL, base: { service: 'acme-demo' } },
    bodyLimit: 64 * 1024,
  });
  const deps: DemoDeps = {
    config,
    portcullis: new PortcullisClient({
      baseUrl: config.PORTCULLIS_URL,
      apiKey: config.PORTCULLIS_API_KEY,
      tenantId: config.PORTCULLIS_TENANT_ID,
      userAgent: 'acme-shop-demo',
    }),
    sessions: new Sessions(),
    assertions: new AssertionVerifier(
      config.PORTCULLIS_URL,
      config.PORTCULLIS_TENANT_ID,
      config.PORTCULLIS_ISSUER,
    ),
  };

  // JSON only: a text/plain POST is what another site's form could send along with our cookies.
  app.removeContentTypeParser('text/plain');
  app.addHook('onSend', async (_request, reply, payload) => {
    void reply.header('x-content-type-options', 'nosniff').header('referrer-policy', 'no-referrer');
    return payload;
  });
  app.setErrorHandler((error, request, reply) => sendError(error, request, reply));
  app.setNotFoundHandler((request, reply) =>
    sendError(
      new DemoError(404, 'NOT_FOUND', `No such page: ${request.method} ${request.url}`),
      request,
      reply,
    ),
  );

  for (const [path, asset] of Object.entries(ASSETS)) {
    const body = readFileSync(join(PUBLIC_DIR, asset.file));
    app.get(path, (_request, reply) =>
      reply
        .header('content-type', asset.type)
        .header('content-security-policy', CONTENT_SECURITY_POLICY)
        .header('cache-control', 'no-cache')
        .send(body),
    );
  }

  registerSignInRoutes(app, deps);
  registerChallengeRoutes(app, deps);
  registerFactorRoutes(app, deps);
  registerPaymentRoutes(app, deps);
  return app;
}
