import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { OPENAPI_CONTROLLERS, OpenApiHttpController } from './openapi-http.controller';

@Module({ controllers: OPENAPI_CONTROLLERS })
class OpenApiOnlyModule {}

describe('OpenApiHttpController', () => {
  let app: NestFastifyApplication;

  beforeAll(async () => {
    app = await NestFactory.create<NestFastifyApplication>(OpenApiOnlyModule, new FastifyAdapter(), {
      logger: false,
    });
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
  });

  afterAll(async () => {
    await app.close();
  });

  const get = (url: string) => app.getHttpAdapter().getInstance().inject({ method: 'GET', url });

  it('serves the document at /openapi.json without a credential, built once', async () => {
    const first = await get('/openapi.json');
    expect(first.statusCode).toBe(200);
    expect(first.headers['content-type']).toMatch(/^application\/json/);
    const document = first.json<{ openapi: string; servers: { url: string }[]; info: { version: string } }>();
    expect(document.openapi).toBe('3.1.0');
    expect(document.servers).toEqual([{ url: '/' }]);
    const manifest = JSON.parse(readFileSync(join(__dirname, '../../../../package.json'), 'utf8')) as {
      version: string;
    };
    expect(document.info.version).toBe(manifest.version);

    const controller = app.get(OpenApiHttpController);
    expect(controller.openApiDocument()).toBe(controller.openApiDocument());
    expect((await get('/openapi.json')).body).toBe(first.body);
  });

  it('serves the explorer page at /docs under a policy that allows nothing from elsewhere', async () => {
    const page = await get('/docs');
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.headers['content-security-policy']).toContain("default-src 'none'");
    expect(page.headers['content-security-policy']).toContain("connect-src 'self'");
    expect(page.body).toContain('<title>Portcullis API explorer</title>');
    expect(page.body).toContain("fetch('openapi.json'");
  });

  it('ships a page that loads nothing from another host', () => {
    const html = readFileSync(join(__dirname, 'openapi-explorer.html'), 'utf8');
    expect(html).not.toMatch(/<script[^>]*\ssrc=/i);
    expect(html).not.toMatch(/<link[^>]*\shref=/i);
    // CSS imports and url() (JavaScript's URL constructor is upper-case).
    expect(html).not.toMatch(/@import|\burl\(/);
    // No absolute or protocol-relative URL anywhere, so nothing can reach another origin.
    expect(html).not.toMatch(/https?:\/\/|["'(=]\s*\/\//i);
  });
});
