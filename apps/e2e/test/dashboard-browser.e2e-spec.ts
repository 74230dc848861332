import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { NodeCryptoPlugin } from '@otplib/plugin-crypto-node';
import { chromiumArgs, ensureChromium, eventually } from '@portcullis/testing';
import { generateSync } from 'otplib';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { SliceStack } from '../src';

const REPO_ROOT = join(__dirname, '..', '..', '..');
const ARTIFACTS = join(REPO_ROOT, 'test-results');
const DAY_MS = 24 * 60 * 60 * 1000;

const crypto = new NodeCryptoPlugin();
const totp = (secret: string, offsetSeconds = 0) =>
  generateSync({ secret, epoch: Math.floor(Date.now() / 1000) + offsetSeconds, crypto });

const PASSWORD = 'correct horse battery staple';
const BROWSER =
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0.0.0 Safari/537.36';
let ipCounter = 10;
/** Each sign-in from its own address, so no per-IP failure window colours another. */
const freshIp = () => `198.18.7.${ipCounter++}`;

// The history the test writes, and so the numbers the dashboard must show.
const USERS = 6;
const WITH_TOTP = 4;
const WRONG_CODE_SIGN_INS = 2;
const WRONG_PASSWORD_SIGN_INS = 1;
const CHALLENGES_STARTED = WITH_TOTP + WRONG_CODE_SIGN_INS;
const CHALLENGES_VERIFIED = WITH_TOTP;
const PERIOD_DAYS = 7;

const CHARTS = [
  'sign-ins',
  'challenges',
  'factor-mix',
  'enrolment-funnel',
  'delivery',
  'risk-decisions',
  'alerts-lockouts',
  'adoption',
] as const;

// The page's own formatting (dashboard.js), in the locale the browser context is given.
const LOCALE = 'en-US';
const num = (value: unknown) => Number(value ?? 0);
const percent = (rate: unknown) => `${(num(rate) * 100).toFixed(1)}%`;
const duration = (ms: number) => (ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`);
const money = (amount: unknown, currency: string | undefined) =>
  currency
    ? new Intl.NumberFormat(LOCALE, { style: 'currency', currency }).format(num(amount))
    : num(amount).toFixed(2);
interface DrawnChart {
  readonly id: string;
  readonly width: number;
  readonly height: number;
  readonly type?: string;
  readonly datasets?: { label: string; data: unknown[] }[];
}

const sum = (values: number[]) => values.reduce((total, value) => total + value, 0);

/**
 * The MFA KPI dashboard (GET /dashboard) in headless Chromium against the whole stack: a history
 * written through the public API (six users, four with TOTP, sign-ins with right and wrong codes
 * and a wrong password) comes back through audit's KPIs as tiles and Chart.js charts, under the
 * page's Content-Security-Policy, with no console error. Leaves test-results/dashboard-kpis.png.
 */
describe('the MFA KPI dashboard in a real browser', () => {
  const stack = new SliceStack();
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let tenantId: string;
  let adminKey: string;
  const consoleErrors: string[] = [];

  beforeAll(async () => {
    const executablePath = ensureChromium();
    await stack.start();
    browser = await chromium.launch({ executablePath, args: chromiumArgs() });
    mkdirSync(ARTIFACTS, { recursive: true });
  });

  afterAll(async () => {
    await browser?.close();
    await stack.stop();
  });

  /** The tenant's history, through the same API a product backend uses. */
  async function writeHistory() {
    tenantId = await stack.createTenant(`Dashboard ${randomUUID().slice(0, 8)}`);
    adminKey = (await stack.http('POST', `/v1/tenants/${tenantId}/api-keys`, { name: 'ops', scope: 'admin' }))
      .json['secret'] as string;
    const runtimeKey = (
      await stack.http(
        'POST',
        `/v1/tenants/${tenantId}/api-keys`,
        { name: 'backend', scope: 'runtime' },
        { bearer: adminKey },
      )
    ).json['secret'] as string;
    const api = (method: string, path: string, body?: unknown) =>
      stack.http(method, path, body, { bearer: runtimeKey });
    const policy = await stack.http(
      'PUT',
      `/v1/tenants/${tenantId}/risk-policy`,
      { policy: { mfaMode: 'always' } },
      { bearer: adminKey },
    );
    expect(policy.status).toBe(200);

    const users: { userId: string; secret?: string; factorId?: string }[] = [];
    for (let i = 0; i < USERS; i++) {
      const created = await api('POST', '/v1/users', { tenantId, externalId: `dash-${i}-${randomUUID()}` });
      expect(created.status).toBe(201);
      const userId = created.json['user'].id as string;
      expect(
        (await api('PUT', `/v1/users/${userId}/password`, { tenantId, password: PASSWORD })).status,
      ).toBe(204);
      users.push({ userId });
    }
    for (const user of users.slice(0, WITH_TOTP)) {
      const begun = await api('POST', `/v1/users/${user.userId}/factors`, { tenantId, type: 'totp' });
      expect(begun.status).toBe(201);
      user.secret = begun.json['totp'].secret as string;
      const activated = await api(
        'POST',
        `/v1/users/${user.userId}/enrollments/${begun.json['enrollmentId']}/activate`,
        { tenantId, proof: { code: totp(user.secret, -30) } },
      );
      expect(activated.status).toBe(200);
      user.factorId = activated.json['factor'].id as string;
    }

    const signIn = async (userId: string, password: string) => {
      const started = await api('POST', '/v1/authentications', {
        tenantId,
        userId,
        password,
        context: { ip: freshIp(), userAgent: BROWSER, deviceId: `device-${userId}` },
      });
      expect(started.status).toBe(201);
      return started.json['authentication'] as { id: string; status: string };
    };
    const answer = async (authenticationId: string, factorId: string, code: string) => {
      const challenge = await api('POST', `/v1/authentications/${authenticationId}/challenges`, {
        tenantId,
        factorId,
      });
      expect(challenge.status).toBe(201);
      return api('POST', `/v1/authentications/${authenticationId}/verify`, {
        tenantId,
        challengeId: challenge.json['challengeId'],
        code,
      });
    };

    // Every user with TOTP signs in with the right code (a newer time step than the activation's).
    for (const user of users.slice(0, WITH_TOTP)) {
      const authentication = await signIn(user.userId, PASSWORD);
      expect(authentication.status).toBe('CHALLENGE_REQUIRED');
      const verified = await answer(authentication.id, user.factorId!, totp(user.secret!));
      expect(verified.status).toBe(200);
      expect(verified.json['authentication'].status).toBe('SUCCEEDED');
    }
    // Two of them try again and type a wrong code, then give up.
    for (const user of users.slice(0, WRONG_CODE_SIGN_INS)) {
      const authentication = await signIn(user.userId, PASSWORD);
      const wrongCode = totp(user.secret!) === '000000' ? '111111' : '000000';
      const rejected = await answer(authentication.id, user.factorId!, wrongCode);
      expect(rejected.status).toBe(403);
      expect(rejected.json['code']).toBe('CODE_INVALID');
    }
    // A user without a factor mistypes the password.
    for (const user of users.slice(WITH_TOTP, WITH_TOTP + WRONG_PASSWORD_SIGN_INS)) {
      expect((await signIn(user.userId, 'not the password')).status).toBe('DENIED');
    }
  }

  /** The period the page asks for when "Last 7 days" is chosen: whole UTC days, to exclusive. */
  function lastDays(days: number) {
    const now = new Date();
    const toTime = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1));
    return {
      fromTime: new Date(toTime.getTime() - days * DAY_MS).toISOString(),
      toTime: toTime.toISOString(),
    };
  }

  const tile = async (name: string) => ({
    value: ((await page.textContent(`[data-kpi="${name}"] .value`)) ?? '').trim(),
    sub: ((await page.textContent(`[data-kpi="${name}"] .sub`)) ?? '').trim(),
  });

  it('shows the tenant’s true KPIs as tiles and charts, under its CSP and without console errors', async () => {
    await writeHistory();

    // Audit keeps the KPIs from the events: wait until they cover the whole history (the adoption,
    // 4 of 6 users, and every challenge and sign-in).
    const period = lastDays(PERIOD_DAYS);
    const query = new URLSearchParams(period).toString();
    const kpis = await eventually(
      async () => {
        const response = await stack.http('GET', `/v1/tenants/${tenantId}/kpis?${query}`, undefined, {
          bearer: adminKey,
        });
        expect(response.status).toBe(200);
        const k = response.json['kpis'];
        const days = (k.daily ?? []) as Record<string, unknown>[];
        expect({
          adoption: [num(k.adoption?.usersWithFactor), num(k.adoption?.activeUsers)],
          challenges: [num(k.challenges?.started), num(k.challenges?.verified), num(k.challenges?.failed)],
          signIns: [
            sum(days.map((d) => num(d['signInsSucceeded']))),
            sum(days.map((d) => num(d['signInsFailed']))),
          ],
        }).toEqual({
          adoption: [WITH_TOTP, USERS],
          challenges: [CHALLENGES_STARTED, CHALLENGES_VERIFIED, WRONG_CODE_SIGN_INS],
          signIns: [WITH_TOTP, WRONG_PASSWORD_SIGN_INS],
        });
        return k;
      },
      { timeoutMs: 60_000, intervalMs: 500 },
    );
    // The rest of the history, as the KPI route reports it.
    const nonZero = (rows: Record<string, unknown>[] | undefined, field: string) =>
      (rows ?? []).filter((row) => num(row[field]) > 0);
    expect(nonZero(kpis.factorMix, 'active')).toEqual([
      expect.objectContaining({ factorType: 'totp', active: String(WITH_TOTP) }),
    ]);
    expect(nonZero(kpis.enrolmentFunnel, 'started')).toEqual([
      expect.objectContaining({
        factorType: 'totp',
        started: String(WITH_TOTP),
        completed: String(WITH_TOTP),
      }),
    ]);
    const daily = (kpis.daily ?? []) as Record<string, unknown>[];
    expect(num(kpis.userLockouts) + num(kpis.factorLockouts)).toBe(0);
    const verify = await stack.http('GET', `/v1/tenants/${tenantId}/audit/verify`, undefined, {
      bearer: adminKey,
    });
    expect(verify.status).toBe(200);
    expect(verify.json['result']).toMatchObject({ intact: true });

    context = await browser.newContext({
      viewport: { width: 1280, height: 900 },
      locale: LOCALE,
      // The page draws without animation then, so the screenshot shows finished charts.
      reducedMotion: 'reduce',
    });
    // Set before any page script runs: every CSP violation the page causes. (In-page code is given
    // as strings: this workspace compiles without the DOM library, as demo-browser does.)
    await context.addInitScript({
      content:
        'window.cspViolations = []; document.addEventListener("securitypolicyviolation", ' +
        '(e) => window.cspViolations.push(e.violatedDirective + " " + e.blockedURI));',
    });
    page = await context.newPage();
    page.on('console', (message) => {
      if (message.type() === 'error') consoleErrors.push(message.text());
    });
    page.on('pageerror', (error) => consoleErrors.push(`uncaught: ${error.message}`));
    const requests: string[] = [];
    page.on('request', (request) => requests.push(request.url()));

    const response = await page.goto(`${stack.httpUrl}/dashboard`);
    expect(response?.status()).toBe(200);
    expect(response?.headers()['content-security-policy']).toContain("script-src 'self'");
    await page.waitForSelector('body[data-ready="true"]');

    // A wrong key first: the API's problem details are shown, not swallowed.
    await page.fill('#tenant-id', tenantId);
    await page.fill('#api-key', 'not-a-key');
    await page.click('#load');
    await page.waitForSelector('body[data-state="error"]');
    const refused = await stack.http('GET', `/v1/tenants/${tenantId}/kpis?${query}`, undefined, {
      bearer: 'not-a-key',
    });
    expect(refused.contentType).toContain('application/problem+json');
    const errorText = (await page.textContent('#error')) ?? '';
    expect(errorText).toContain(`MFA KPIs: ${refused.json['title']}`);
    expect(errorText).toContain(String(refused.json['detail']));
    expect(errorText).toContain(`HTTP ${refused.status}`);
    expect(await page.isVisible('#results')).toBe(false);
    // The browser logs the refused calls themselves; nothing else went wrong.
    expect(consoleErrors.filter((text) => !text.includes(`status of ${refused.status}`))).toEqual([]);
    consoleErrors.length = 0;

    // The real key, and the last 7 days.
    await page.fill('#api-key', adminKey);
    await page.selectOption('#period', String(PERIOD_DAYS));
    await page.click('#load');
    await page.waitForSelector('body[data-state="loaded"]');
    expect(await page.isVisible('#error')).toBe(false);

    // The tiles: the history's numbers where it fixes them, the KPI route's where it defines them.
    expect(await tile('adoption')).toEqual({
      value: percent(WITH_TOTP / USERS),
      sub: `${WITH_TOTP} of ${USERS} active users`,
    });
    expect(percent(WITH_TOTP / USERS)).toBe('66.7%');
    // The proto's definition: verified / (verified + failed attempts); each wrong code is one.
    const challenges = kpis.challenges;
    expect(await tile('challenge-success-rate')).toEqual({
      value: percent(CHALLENGES_VERIFIED / (CHALLENGES_VERIFIED + WRONG_CODE_SIGN_INS)),
      sub: `${CHALLENGES_VERIFIED} verified, ${WRONG_CODE_SIGN_INS} failed of ${CHALLENGES_STARTED} started`,
    });
    expect((await tile('median-time-to-verify')).value).toBe(duration(num(challenges.medianTimeToVerifyMs)));
    expect((await tile('abandonment-rate')).value).toBe(percent(challenges.abandonmentRate));
    expect(await tile('lockouts')).toEqual({ value: '0', sub: '0 users, 0 factors' });
    expect((await tile('alerts')).value).toBe(String(num(kpis.alerts)));
    // No delivery in this stack: nothing sent, nothing spent, so no ROI.
    expect(await tile('messaging-spend')).toEqual({
      value: money(kpis.roi?.messagingSpend, kpis.roi?.currency),
      sub: '0 messages sent',
    });
    expect((await tile('roi')).value).toBe('–');
    const chain = await tile('audit-chain');
    expect(chain.value).toBe('Intact');
    expect(chain.sub).toMatch(/^[\d,]+ records? checked \(#\d+–#\d+\)$/);

    // Every chart is a Chart.js instance on a canvas with a size, drawing the KPI route's data.
    const drawn = await page.evaluate<DrawnChart[]>(
      `${JSON.stringify(CHARTS)}.map((id) => {
        const canvas = document.getElementById('chart-' + id);
        const chart = Chart.getChart(canvas);
        return {
          id,
          width: canvas.width,
          height: canvas.height,
          type: chart && chart.config.type,
          datasets: chart && chart.data.datasets.map((d) => ({ label: d.label, data: d.data })),
        };
      })`,
    );
    for (const chart of drawn) {
      expect({ id: chart.id, sized: chart.width > 0 && chart.height > 0, type: typeof chart.type }).toEqual({
        id: chart.id,
        sized: true,
        type: 'string',
      });
    }
    const datasets = (id: string) =>
      Object.fromEntries(drawn.find((c) => c.id === id)!.datasets!.map((d) => [d.label, d.data]));
    const total = (values: unknown[]) => sum(values.map((v) => num(v)));
    expect(total(datasets('sign-ins')['Succeeded'])).toBe(WITH_TOTP);
    expect(total(datasets('sign-ins')['Failed'])).toBe(WRONG_PASSWORD_SIGN_INS);
    expect(total(datasets('challenges')['Started'])).toBe(sum(daily.map((d) => num(d['challengesStarted']))));
    expect(total(datasets('challenges')['Verified'])).toBe(
      sum(daily.map((d) => num(d['challengesVerified']))),
    );
    const mixChart = drawn.find((c) => c.id === 'factor-mix')!;
    expect(total(mixChart.datasets![0].data)).toBe(WITH_TOTP);
    expect(total(datasets('enrolment-funnel')['Started'])).toBe(WITH_TOTP);
    expect(total(datasets('enrolment-funnel')['Completed'])).toBe(WITH_TOTP);

    // The key stays in the tab's session storage, never in the URL or local storage.
    expect(page.url()).toBe(`${stack.httpUrl}/dashboard`);
    expect(await page.evaluate('[sessionStorage.length, localStorage.length]')).toEqual([2, 0]);
    // Everything came from the gateway itself.
    expect(requests.filter((url) => !url.startsWith(`${stack.httpUrl}/`))).toEqual([]);
    expect(await page.evaluate('window.cspViolations')).toEqual([]);
    expect(consoleErrors).toEqual([]);

    await page.screenshot({ path: join(ARTIFACTS, 'dashboard-kpis.png') });
    await page.screenshot({ path: join(ARTIFACTS, 'dashboard-kpis-full.png'), fullPage: true });
  });
});
