import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Controller, Get, Header, type Type } from '@nestjs/common';
import { PROTO_ROOT } from '@portcullis/contracts';
import { buildOpenApiDocument, type OpenApiDocument } from './openapi-document';

/**
 * The OpenAPI document of the HTTP API and a page that explores it. Both need no credential: the
 * document describes the public API and holds no secret. The page is static HTML with an inline
 * script, read once at startup (as the passkey demo page is); its Content-Security-Policy allows
 * that script and calls to this origin, nothing else.
 */
@Controller()
export class OpenApiHttpController {
  private readonly explorerPage = readFileSync(join(__dirname, 'openapi-explorer.html'), 'utf8');
  private document?: OpenApiDocument;

  /** GET /openapi.json — built on first use (it reads the .proto sources), then kept. */
  @Get('openapi.json')
  @Header('cache-control', 'no-cache')
  openApiDocument(): OpenApiDocument {
    // Relative server URL: the API is wherever this document was fetched from.
    this.document ??= buildOpenApiDocument({ serverUrl: '/', version: releaseVersion() });
    return this.document;
  }

  /** GET /docs */
  @Get('docs')
  @Header('content-type', 'text/html; charset=utf-8')
  @Header(
    'content-security-policy',
    "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'; " +
      "base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  )
  @Header('referrer-policy', 'no-referrer')
  @Header('cache-control', 'no-cache')
  explorer(): string {
    return this.explorerPage;
  }
}

/** Spread into the gateway module's controllers. */
export const OPENAPI_CONTROLLERS: Type[] = [OpenApiHttpController];

/** The release the document describes: the workspace's version (the services run from the sources). */
function releaseVersion(): string {
  try {
    const manifest = JSON.parse(readFileSync(join(PROTO_ROOT, '..', 'package.json'), 'utf8')) as {
      version?: unknown;
    };
    return typeof manifest.version === 'string' ? manifest.version : '0.0.0';
  } catch {
    return '0.0.0';
  }
}
