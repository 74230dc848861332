import { createReadStream, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Controller, Get, Header, StreamableFile } from '@nestjs/common';

const ASSETS = join(__dirname, '../dashboard');

/**
 * Chart.js's browser bundle, from the installed package (never a copy in the repository). The
 * package exports no path to it, so it is found next to the entry point that `require` resolves.
 */
export const CHART_JS_PATH = join(dirname(require.resolve('chart.js')), 'chart.umd.js');

/**
 * Allows this origin's scripts, styles and API calls, nothing inline and nothing from elsewhere
 * (the page works offline). form-action 'none': the form is only ever submitted by the script,
 * never as a navigation that would put the API key in a URL.
 */
export const DASHBOARD_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src data:; connect-src 'self'; " +
  "base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/**
 * The MFA KPI dashboard: a static page, its script and stylesheet (read once at startup, as the
 * passkey demo and API explorer pages are) and Chart.js. None needs a credential; the page calls
 * the admin KPI and audit-verify routes with the key typed into it.
 */
@Controller('dashboard')
export class DashboardHttpController {
  private readonly page = readFileSync(join(ASSETS, 'dashboard.html'), 'utf8');
  private readonly script = readFileSync(join(ASSETS, 'dashboard.js'), 'utf8');
  private readonly styles = readFileSync(join(ASSETS, 'dashboard.css'), 'utf8');
  private readonly chartJsLength = statSync(CHART_JS_PATH).size;

  /** GET /dashboard */
  @Get()
  @Header('content-type', 'text/html; charset=utf-8')
  @Header('content-security-policy', DASHBOARD_CSP)
  @Header('referrer-policy', 'no-referrer')
  @Header('x-content-type-options', 'nosniff')
  @Header('cache-control', 'no-cache')
  dashboard(): string {
    return this.page;
  }

  /** GET /dashboard/dashboard.js */
  @Get('dashboard.js')
  @Header('content-type', 'text/javascript; charset=utf-8')
  @Header('x-content-type-options', 'nosniff')
  @Header('cache-control', 'no-cache')
  dashboardScript(): string {
    return this.script;
  }

  /** GET /dashboard/dashboard.css */
  @Get('dashboard.css')
  @Header('content-type', 'text/css; charset=utf-8')
  @Header('x-content-type-options', 'nosniff')
  @Header('cache-control', 'no-cache')
  dashboardStyles(): string {
    return this.styles;
  }

  /** GET /dashboard/chart.umd.js — changes only when the gateway's dependencies do. */
  @Get('chart.umd.js')
  @Header('content-type', 'text/javascript; charset=utf-8')
  @Header('x-content-type-options', 'nosniff')
  @Header('cache-control', 'public, max-age=3600')
  chartJs(): StreamableFile {
    return new StreamableFile(createReadStream(CHART_JS_PATH), { length: this.chartJsLength });
  }
}
