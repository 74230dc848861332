import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { NodeCryptoPlugin } from '@otplib/plugin-crypto-node';
import { chromiumArgs, ensureChromium, eventually, freePort } from '@portcullis/testing';
import { generateSync } from 'otplib';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { SliceStack } from '../src';

const REPO_ROOT = join(__dirname, '..', '..', '..');
const ARTIFACTS = join(REPO_ROOT, 'test-results');

const crypto = new NodeCryptoPlugin();
const totp = (secret: string, offsetSeconds = 0) =>
  generateSync({ secret, epoch: Math.floor(Date.now() / 1000) + offsetSeconds, crypto });

/**
 * An ordinary desktop Chrome: headless Chromium names itself HeadlessChrome, which risk rightly
 * scores as a scripted client (SCRIPTED_CLIENT); the journey is about a customer's browser.
 */
const DESKTOP_CHROME =
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0.0.0 Safari/537.36';
const EMAIL = 'pat@example.com';
const PASSWORD = 'correct horse battery staple';
const PAYMENT_RULE = { actionType: 'payment', minAmount: '100', currency: 'EUR', decision: 'challenge' };

/** The demo shop (apps/demo) as its own process, exactly as `README.md` runs it. */
async function startDemo(
  port: number,
  env: Record<string, string>,
): Promise<{ child: ChildProcess; output: () => string }> {
  const child = spawn(
    process.execPath,
    ['--enable-source-maps', '-r', '@swc-node/register', 'apps/demo/src/main.ts'],
    {
      cwd: REPO_ROOT,
      env: {
        PATH: process.env['PATH'] ?? '',
        NODE_ENV: 'test',
        DEMO_PORT: String(port),
        DEMO_HOST: '127.0.0.1',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  await eventually(
    async () => {
      if (child.exitCode !== null) throw new Error(`the demo exited during start:\n${output.slice(-4000)}`);
      const response = await fetch(`http://127.0.0.1:${port}/`);
      expect(response.status).toBe(200);
    },
    { timeoutMs: 60_000, intervalMs: 200 },
  );
  return { child, output: () => output };
}

/**
 * The Acme Shop demo in a real browser: a product backend integrated with Portcullis through the
 * SDK, driven through its own page by Debian's Chromium with a CDP virtual authenticator
 * (internal transport, resident keys, user verification). Sign-up, risk-based sign-in, TOTP,
 * passkey and recovery-code enrolment (each later factor behind a fresh MFA), MFA sign-in, a
 * payment step-up approved with the passkey and bound to its details, passwordless sign-in,
 * and recovery with a code. The test reads what the customer sees, nothing else.
 */
describe('the Acme Shop demo in a real browser', () => {
  let stack: SliceStack;
  let demo: { child: ChildProcess; output: () => string } | undefined;
  let demoOrigin: string;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let tenantId: string;
  let adminKey: string;
  let runtimeKey: string;
  let shot = 0;

  beforeAll(async () => {
    const executablePath = ensureChromium();
    const demoPort = await freePort();
    // Passkeys are bound to the page's origin; the shop's page is not the gateway's.
    demoOrigin = `http://localhost:${demoPort}`;
    stack = new SliceStack({ webauthnOrigins: [demoOrigin] });
    await stack.start();

    // The tenant as its operator and administrator set it up: keys and a risk policy.
    tenantId = await stack.createTenant('Acme Shop');
    adminKey = (await stack.http('POST', `/v1/tenants/${tenantId}/api-keys`, { name: 'ops', scope: 'admin' }))
      .json['secret'] as string;
    const runtime = await stack.http(
      'POST',
      `/v1/tenants/${tenantId}/api-keys`,
      { name: 'shop backend', scope: 'runtime' },
      { bearer: adminKey },
    );
    runtimeKey = runtime.json['secret'] as string;
    await setRiskPolicy({ mfaMode: 'risk_based', stepUpRules: [PAYMENT_RULE] });

    demo = await startDemo(demoPort, {
      PORTCULLIS_URL: stack.httpUrl,
      PORTCULLIS_API_KEY: runtimeKey,
      PORTCULLIS_TENANT_ID: tenantId,
      DEMO_LOG_LEVEL: 'warn',
    });
    browser = await chromium.launch({ executablePath, args: chromiumArgs() });
    mkdirSync(ARTIFACTS, { recursive: true });
  });

  afterAll(async () => {
    await browser?.close();
    if (demo && demo.child.exitCode === null) {
      const exited = new Promise((resolve) => demo!.child.once('exit', resolve));
      demo.child.kill('SIGTERM');
      await exited;
    }
    await stack?.stop();
  });

  async function setRiskPolicy(policy: Record<string, unknown>) {
    const set = await stack.http(
      'PUT',
      `/v1/tenants/${tenantId}/risk-policy`,
      { policy },
      { bearer: adminKey },
    );
    expect(set.status).toBe(200);
  }

  /** Waits until the element's text matches (the page updates after its calls return). */
  async function sees(selector: string, expected: string | RegExp, timeoutMs = 20_000) {
    try {
      await eventually(
        async () => {
          const text = (await page.textContent(selector, { timeout: 1000 })) ?? '';
          if (typeof expected === 'string') expect(text).toContain(expected);
          else expect(text).toMatch(expected);
        },
        { timeoutMs, intervalMs: 100 },
      );
    } catch (error) {
      await screenshot('failure');
      throw new Error(
        `${selector} never showed ${String(expected)}; message: ${await page.textContent('#message')}\n` +
          `demo output:\n${demo?.output().slice(-3000)}\n${String(error)}`,
      );
    }
  }

  async function screenshot(name: string) {
    shot += 1;
    await page.screenshot({
      path: join(ARTIFACTS, `demo-${String(shot).padStart(2, '0')}-${name}.png`),
      fullPage: true,
    });
  }

  async function signInWithPassword(remember = false) {
    await page.fill('#signin-email', EMAIL);
    await page.fill('#signin-password', PASSWORD);
    if (remember) await page.check('#signin-remember');
    await page.click('#signin-submit');
  }

  async function pay(amount: string) {
    await page.fill('#pay-amount', amount);
    await page.selectOption('#pay-currency', 'EUR');
    await page.fill('#pay-payee', 'ACME Ltd');
    await page.click('#pay-submit');
  }

  async function signOut() {
    await page.click('#signout');
    await sees('#whoami', 'Not signed in');
    await sees('#message', 'Signed out.');
  }

  it('signs up, enrols TOTP, a passkey and recovery codes, signs in with MFA, pays with a step-up, and recovers', async () => {
    context = await browser.newContext({ userAgent: DESKTOP_CHROME });
    page = await context.newPage();
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
    await page.goto(demoOrigin);
    await page.waitForSelector('body[data-ready="true"]');

    // Sign up, then sign in: a first sign-in with no history, and risk allows it.
    await page.fill('#signup-email', EMAIL);
    await page.fill('#signup-password', PASSWORD);
    await page.click('#signup-submit');
    await sees('#message', `Account created for ${EMAIL}`);
    await screenshot('signed-up');
    await signInWithPassword();
    await sees('#whoami', `Signed in as ${EMAIL}`);
    await sees('#risk-decision', 'allow');
    await sees('#assertion-acr', 'aal1');
    await sees('#assertion-amr', 'pwd');
    await screenshot('signed-in-risk-allows');

    // The first factor: an authenticator app, from the QR code's key.
    await page.click('#totp-start');
    await sees('#message', 'Scan the QR code');
    expect(await page.getAttribute('#totp-qr', 'src')).toMatch(/^data:image\/png;base64,/);
    const secret = ((await page.textContent('#totp-secret')) ?? '').trim();
    expect(secret).toMatch(/^[A-Z2-7]{16,}$/);
    await screenshot('totp-qr');
    // A code accepted once per time step: this one from the previous step, later ones newer.
    await page.fill('#totp-code', totp(secret, -30));
    await page.click('#totp-activate');
    await sees('#message', 'Authenticator app added.');
    await sees('#factor-list', 'Authenticator app');

    // A second factor needs a fresh MFA: the page asks for the authenticator code first.
    await page.click('#passkey-add');
    await sees('#challenge-title', 'Confirm it’s you before changing your sign-in methods');
    await page.click('[data-testid="factor-totp"]');
    await page.fill('#challenge-code', totp(secret));
    await screenshot('reauth-before-passkey');
    await page.click('#challenge-verify');
    await sees('#message', 'Passkey added.');
    await sees('#factor-list', 'Passkey');

    // Recovery codes: the proof was spent, so once more, this time with the new passkey.
    await page.click('#recovery-generate');
    await sees('#challenge-title', 'Confirm it’s you');
    await page.click('[data-testid="factor-webauthn"]');
    await sees('#message', 'shown only once');
    const codes = (
      await page.$$eval('#recovery-codes li', (items) => items.map((li) => li.textContent ?? ''))
    ).map((code) => code.trim());
    expect(codes.length).toBeGreaterThanOrEqual(8);
    await sees('#factor-list', 'Recovery code');
    await screenshot('recovery-codes');
    await signOut();

    // The tenant now asks for MFA on every sign-in: password, then the authenticator app.
    await setRiskPolicy({ mfaMode: 'always', stepUpRules: [PAYMENT_RULE] });
    await signInWithPassword(true);
    await sees('#challenge-title', 'Second step');
    await sees('#why-list', 'MFA_ALWAYS');
    await page.click('[data-testid="factor-totp"]');
    await page.fill('#challenge-code', totp(secret, 30));
    await screenshot('mfa-challenge');
    await page.click('#challenge-verify');
    await sees('#whoami', `Signed in as ${EMAIL}`);
    await sees('#risk-decision', 'challenge');
    await sees('#assertion-acr', 'aal2');
    await sees('#assertion-amr', 'pwd, otp');
    await screenshot('signed-in-aal2');

    // Back to risk-based sign-ins: now only the payment rule (100 EUR or more) asks. A small
    // payment goes through; one over the rule is approved with the passkey, bound to its details.
    await setRiskPolicy({ mfaMode: 'risk_based', stepUpRules: [PAYMENT_RULE] });
    await pay('20');
    await sees('#pay-result', 'Payment approved: 20.00 EUR to ACME Ltd');
    await sees('#pay-result', 'No extra confirmation was needed');
    await pay('250');
    await sees('#challenge-title', 'Approve the payment of 250.00 EUR to ACME Ltd');
    await sees('#why-list', 'STEP_UP_RULE');
    await screenshot('payment-challenge');
    await page.click('[data-testid="factor-webauthn"]');
    await sees('#pay-result', 'Payment approved: 250.00 EUR to ACME Ltd');
    await sees('#pay-result', /approved_action: \{"type":"payment","hash":"[A-Za-z0-9_-]{43}"\}/);
    await sees('#assertion-claims', '"approved_action"');
    await sees('#assertion-amr', 'hwk');
    await screenshot('payment-approved');
    await signOut();

    // Passwordless: the passkey alone, no email or password. The page's own base64url
    // conversion runs here: the browser's WebAuthn JSON helpers are taken away first.
    await page.evaluate(
      'delete PublicKeyCredential.parseRequestOptionsFromJSON; delete PublicKeyCredential.prototype.toJSON',
    );
    expect(
      await page.evaluate(
        'typeof PublicKeyCredential.parseRequestOptionsFromJSON + typeof PublicKeyCredential.prototype.toJSON',
      ),
    ).toBe('undefinedundefined');
    await page.click('#passwordless');
    await sees('#whoami', `Signed in as ${EMAIL}`);
    await sees('#assertion-acr', 'aal2');
    await sees('#assertion-amr', 'hwk, user');
    await screenshot('signed-in-passwordless');
    await signOut();

    // Lost phone and passkey: password and a recovery code, MFA on every sign-in again. This
    // browser was remembered at the MFA sign-in: that lowers the risk, but never skips MFA.
    await setRiskPolicy({ mfaMode: 'always', stepUpRules: [PAYMENT_RULE] });
    await signInWithPassword();
    await sees('#why-list', 'REMEMBERED_DEVICE');
    await page.click('[data-testid="factor-recovery_codes"]');
    await sees('#challenge-code-label', 'recovery codes');
    await page.fill('#challenge-code', codes[0]);
    await screenshot('recovery-code-challenge');
    await page.click('#challenge-verify');
    await sees('#whoami', `Signed in as ${EMAIL}`);
    await sees('#assertion-acr', 'aal2');
    await sees('#factor-list', `(${codes.length - 1} left)`);
    await screenshot('signed-in-with-recovery-code');

    // The runtime API key stays on the shop's server: not in the page, not in a cookie.
    expect(await page.content()).not.toContain(runtimeKey);
    for (const cookie of await context.cookies()) expect(cookie.value).not.toContain(runtimeKey);
  });
});
