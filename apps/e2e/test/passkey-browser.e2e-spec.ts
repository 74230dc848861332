import { mkdirSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { chromiumArgs, ensureChromium } from '@portcullis/testing';
import { type Browser, chromium, type Page } from 'playwright-core';
import { SliceStack } from '../src';

const ARTIFACTS = join(__dirname, '..', '..', '..', 'test-results');

/** Forwards everything to the gateway: the same page and API, seen from another origin. */
function proxyTo(target: URL): Promise<Server> {
  const server = createServer((incoming, outgoing) => {
    const forwarded = request(
      {
        host: target.hostname,
        port: target.port,
        path: incoming.url,
        method: incoming.method,
        headers: incoming.headers,
      },
      (answer) => {
        outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(outgoing);
      },
    );
    incoming.pipe(forwarded);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

/**
 * A real passkey ceremony: Debian's Chromium with a CDP virtual authenticator (internal transport,
 * user verification) registers a passkey on the gateway's demo page and signs in with it,
 * passwordless, through the public API. From another origin the same passkey is refused.
 */
describe('passkeys in a real browser', () => {
  const stack = new SliceStack();
  let browser: Browser;
  let proxy: Server;
  let tenantId: string;
  let userId: string;

  beforeAll(async () => {
    const executablePath = ensureChromium();
    await stack.start();
    browser = await chromium.launch({ executablePath, args: chromiumArgs() });
    tenantId = await stack.createTenant('Passkey Shop');
    const created = await stack.http('POST', '/v1/users', {
      tenantId,
      externalId: 'browser-user',
      email: 'pat@example.com',
    });
    userId = created.json['user'].id as string;
    proxy = await proxyTo(new URL(stack.httpUrl));
  });

  afterAll(async () => {
    proxy?.close();
    await browser?.close();
    await stack.stop();
  });

  /** A page with a virtual platform authenticator that verifies the user. */
  async function pageWithAuthenticator(): Promise<Page> {
    const context = await browser.newContext();
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await cdp.send('WebAuthn.enable');
    await cdp.send('WebAuthn.addVirtualAuthenticator', {
      options: {
        protocol: 'ctap2',
        transport: 'internal',
        hasResidentKey: true,
        hasUserVerification: true,
        isUserVerified: true,
        automaticPresenceSimulation: true,
      },
    });
    return page;
  }

  const outcome = async (page: Page, button: 'register' | 'signin') => {
    await page.click(`#${button}`);
    await page.waitForSelector('#status[data-outcome]', { timeout: 30_000 });
    return page.textContent('#status');
  };

  it('registers a passkey and signs in with it, passwordless; another origin is refused', async () => {
    const page = await pageWithAuthenticator();
    const fragment = `#token=${encodeURIComponent(stack.adminToken)}&tenantId=${tenantId}&userId=${userId}`;
    await page.goto(`${stack.browserOrigin}/demo/passkeys${fragment}`);
    expect(await outcome(page, 'register')).toMatch(/^registered [0-9a-f-]{36}$/);

    await page.evaluate("delete document.getElementById('status').dataset.outcome");
    expect(await outcome(page, 'signin')).toBe(`signed in as ${userId}`);
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, 'passkey-demo.png'), fullPage: true });

    const listed = await stack.http('GET', `/v1/users/${userId}/factors?tenantId=${tenantId}`);
    expect(listed.json['factors']).toEqual([
      expect.objectContaining({
        type: 'webauthn',
        status: 'ACTIVE',
        webauthn: expect.objectContaining({ discoverable: true, transports: ['internal'] }),
      }),
    ]);

    // Another origin (localhost:<proxy>: the RP ID still matches, so the browser goes ahead and
    // signs): the server refuses the origin, and nothing is registered (SECURITY.md 12, 16).
    const other = await stack.http('POST', '/v1/users', { tenantId, externalId: 'browser-user-2' });
    const otherUserId = other.json['user'].id as string;
    const elsewhere = await pageWithAuthenticator();
    const { port } = proxy.address() as AddressInfo;
    await elsewhere.goto(
      `http://localhost:${port}/demo/passkeys#token=${encodeURIComponent(stack.adminToken)}&tenantId=${tenantId}&userId=${otherUserId}`,
    );
    const registeredThere = await outcome(elsewhere, 'register');
    expect(registeredThere).toMatch(/^error WEBAUTHN_INVALID/);
    await elsewhere.screenshot({ path: join(ARTIFACTS, 'passkey-demo-other-origin.png') });
    const theirs = await stack.http('GET', `/v1/users/${otherUserId}/factors?tenantId=${tenantId}`);
    expect(theirs.json['factors'].filter((f: { status: string }) => f.status === 'ACTIVE')).toEqual([]);
  });
});
