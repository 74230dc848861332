import { MetricsProbe } from '@portcullis/observability';
import Fastify from 'fastify';
import { recordHttpMetrics } from './http-metrics.hook';

describe('recordHttpMetrics', () => {
  it('records each response by route template, method and status; 5xx carry error.type', async () => {
    const probe = new MetricsProbe();
    const app = Fastify();
    recordHttpMetrics(app, probe.meter);
    app.get('/v1/users/:userId/factors', () => ({ factors: [] }));
    app.post('/v1/users/:userId/factors', async (_request, reply) => reply.code(201).send({}));
    app.get('/boom', () => {
      throw new Error('kaput');
    });
    await app.ready();

    for (const url of ['/v1/users/u-1/factors', '/v1/users/u-2/factors']) {
      expect((await app.inject({ method: 'GET', url })).statusCode).toBe(200);
    }
    expect((await app.inject({ method: 'POST', url: '/v1/users/u-3/factors', payload: {} })).statusCode).toBe(
      201,
    );
    expect((await app.inject({ method: 'GET', url: '/boom' })).statusCode).toBe(500);
    expect((await app.inject({ method: 'GET', url: '/v1/nothing/here/4711' })).statusCode).toBe(404);

    const points = await probe.points('http.server.request.duration');
    const rows = points
      .map((p) => [
        p.attributes['http.request.method'],
        p.attributes['http.route'] ?? null,
        p.attributes['http.response.status_code'],
        p.attributes['error.type'] ?? null,
        p.count,
      ])
      .sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
    expect(rows).toEqual([
      ['GET', '/boom', 500, '500', 1],
      ['GET', '/v1/users/:userId/factors', 200, null, 2],
      ['GET', null, 404, null, 1],
      ['POST', '/v1/users/:userId/factors', 201, null, 1],
    ]);
    // No path, id or query in any label.
    expect(JSON.stringify(points)).not.toMatch(/u-1|u-2|u-3|4711/);
    expect(points.every((p) => p.attributes['url.scheme'] === 'http' && (p.sum ?? -1) >= 0)).toBe(true);
    await app.close();
    await probe.shutdown();
  });
});
