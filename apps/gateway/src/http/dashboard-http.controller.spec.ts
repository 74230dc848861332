import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { CHART_JS_PATH, DashboardHttpController } from './dashboard-http.controller';

@Module({ controllers: [DashboardHttpController] })
class DashboardOnlyModule {}

describe('DashboardHttpController', () => {
  let app: NestFastifyApplication;

  beforeAll(async () => {
    app = await NestFactory.create<NestFastifyApplication>(DashboardOnlyModule, new FastifyAdapter(), {
      logger: false,
    });
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
  });

  afterAll(async () => {
    await app.close();
  });

  const get = (url: string) => app.getHttpAdapter().getInstance().inject({ method: 'GET', url });

  it('serves the page at /dashboard without a credential, under a policy that allows only this origin', async () => {
    const page = await get('/dashboard');
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    const csp = String(page.headers['content-security-policy']);
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("style-src 'self'");
    expect(csp).toContain("connect-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval|https?:|\*/);
    expect(page.body).toContain('<title>Portcullis MFA dashboard</title>');
    for (const kpi of ['adoption', 'challenge-success-rate', 'median-time-to-verify', 'audit-chain']) {
      expect(page.body).toContain(`data-kpi="${kpi}"`);
    }
  });

  it('loads every script and stylesheet of the page from its own routes, nothing inline or from elsewhere', async () => {
    const page = (await get('/dashboard')).body;
    // Every <script> has a src (the policy would block an inline one), relative to /dashboard.
    const scripts = [...page.matchAll(/<script\b([^>]*)>/gi)].map(([, attributes]) => attributes);
    expect(scripts).toHaveLength(2);
    const sources = scripts.map((attributes) => /\ssrc="([^"]+)"/.exec(attributes)?.[1]);
    expect(sources).toEqual(['dashboard/chart.umd.js', 'dashboard/dashboard.js']);
    expect(page).not.toMatch(/<style|\sstyle=|\son[a-z]+=/i);
    expect(page).not.toMatch(/https?:\/\/|["'(=]\s*\/\//i);

    const script = await get('/dashboard/dashboard.js');
    expect(script.statusCode).toBe(200);
    expect(script.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(script.headers['x-content-type-options']).toBe('nosniff');
    expect(script.body).toContain('/kpis?');
    expect(script.body).toContain('/audit/verify');
    expect(script.body).not.toMatch(/https?:\/\/|innerHTML|eval\(/);

    const styles = await get('/dashboard/dashboard.css');
    expect(styles.statusCode).toBe(200);
    expect(styles.headers['content-type']).toBe('text/css; charset=utf-8');
    expect(styles.body).not.toMatch(/@import|\burl\(/);
  });

  it('streams Chart.js from the installed package as JavaScript', async () => {
    const chart = await get('/dashboard/chart.umd.js');
    expect(chart.statusCode).toBe(200);
    expect(chart.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(chart.headers['x-content-type-options']).toBe('nosniff');
    expect(CHART_JS_PATH).toContain(join('node_modules', 'chart.js', 'dist'));
    const bundle = readFileSync(CHART_JS_PATH, 'utf8');
    expect(Number(chart.headers['content-length'])).toBe(Buffer.byteLength(bundle));
    // Compared as booleans: a failure would otherwise print the whole 200 kB bundle.
    expect(chart.body === bundle).toBe(true);
    // The UMD build: it defines the global the page script uses.
    expect(bundle.includes('window.Chart=')).toBe(true);
  });

  it('answers 404 for any other file under /dashboard', async () => {
    expect((await get('/dashboard/chart.umd.min.js')).statusCode).toBe(404);
    expect((await get('/dashboard/../package.json')).statusCode).toBe(404);
  });
});
