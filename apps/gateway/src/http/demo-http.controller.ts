import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Controller, Get, Header } from '@nestjs/common';

/**
 * The passkey demo page: static HTML with an inline script, read once at startup. The page needs
 * no credential; the calls it makes carry the admin token the user pastes into its URL fragment.
 * Its own Content-Security-Policy allows the inline script and style and nothing from elsewhere.
 */
@Controller('demo')
export class DemoHttpController {
  private readonly passkeysPage = readFileSync(join(__dirname, '../demo/passkeys.html'), 'utf8');

  @Get('passkeys')
  @Header('content-type', 'text/html; charset=utf-8')
  @Header(
    'content-security-policy',
    "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'; " +
      "base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  )
  @Header('referrer-policy', 'no-referrer')
  @Header('cache-control', 'no-store')
  passkeys(): string {
    return this.passkeysPage;
  }
}
