import { randomUUID } from 'node:crypto';
import type { DomainError } from '@portcullis/errors';
import { eventually, queryDatabase } from '@portcullis/testing';
import { SliceStack } from '../src';

/**
 * The first vertical slice, black box: gateway (HTTP and gRPC) → identity (user + outbox row in
 * one transaction) → relay → Kafka → audit (append-only, idempotent) → gateway audit query.
 */
describe('first slice: create a user, see it in the audit log', () => {
  const stack = new SliceStack();

  beforeAll(async () => {
    await stack.start();
  });

  afterAll(async () => {
    await stack.stop();
  });

  const countRows = async (db: string, sql: string, params: unknown[]) =>
    Number((await queryDatabase<{ n: string }>(stack.databaseUrl, db, sql, params))[0]?.n);

  it('over HTTP', async () => {
    const tenantId = await stack.createTenant('Acme Shop');
    const created = await stack.http('POST', '/v1/users', {
      tenantId,
      externalId: 'customer-1',
      email: 'Ann.Smith@Example.org',
      phoneNumber: '+44 7911 123456',
    });
    expect(created.status).toBe(201);
    const user = created.json['user'];
    expect(user).toMatchObject({
      tenantId,
      externalId: 'customer-1',
      email: 'ann.smith@example.org',
      phoneNumber: '+447911123456',
      status: 'ACTIVE',
    });

    const fetched = await stack.http('GET', `/v1/users/${user.id}?tenantId=${tenantId}`);
    expect(fetched.status).toBe(200);
    expect(fetched.json['user'].id).toBe(user.id);
    const byExternal = await stack.http('GET', `/v1/users?tenantId=${tenantId}&externalId=customer-1`);
    expect(byExternal.json['user'].id).toBe(user.id);

    const events = await eventually(async () => {
      const page = await stack.http('GET', `/v1/audit/events?tenantId=${tenantId}&userId=${user.id}`);
      expect(page.status).toBe(200);
      expect(page.json['events']).toHaveLength(1);
      return page.json['events'] as Record<string, string>[];
    });
    const [event] = events;
    expect(event).toMatchObject({
      tenantId,
      userId: user.id,
      type: 'identity.user.created',
      source: 'portcullis.identity.events.v1',
    });
    const data = JSON.parse(event['dataJson']) as Record<string, string>;
    // Personal data is minimised on its way to the audit log (SECURITY.md 30).
    expect(data).toMatchObject({
      userId: user.id,
      externalId: 'customer-1',
      emailHint: 'a***@example.org',
      phoneHint: '+44********56',
    });
    expect(event['dataJson']).not.toContain('7911123456');
    expect(event['dataJson']).not.toContain('ann.smith');

    // The tenant's own creation is audited too, and the query filters by type.
    const tenantEvents = await eventually(async () => {
      const page = await stack.http(
        'GET',
        `/v1/audit/events?tenantId=${tenantId}&type=identity.tenant.created`,
      );
      expect(page.json['events']).toHaveLength(1);
      return page.json['events'];
    });
    expect(tenantEvents[0].type).toBe('identity.tenant.created');
  });

  it('over gRPC', async () => {
    const metadata = stack.adminMetadata();
    const { tenant } = await stack.grpc.call('createTenant', { name: 'Bank' }, { metadata });
    const tenantId = tenant!.id;
    const { user } = await stack.grpc.call(
      'createUser',
      { tenantId, externalId: 'grpc-customer', email: '', phoneNumber: '+14155552671' },
      { metadata: stack.adminMetadata() },
    );
    expect(user).toMatchObject({
      tenantId,
      externalId: 'grpc-customer',
      phoneNumber: '+14155552671',
      status: 'ACTIVE',
    });
    const got = await stack.grpc.call(
      'getUser',
      { tenantId, externalId: 'grpc-customer' },
      { metadata: stack.adminMetadata() },
    );
    expect(got.user!.id).toBe(user!.id);

    const page = await eventually(async () => {
      const response = await stack.grpc.call(
        'listAuditEvents',
        {
          tenantId,
          userId: user!.id,
          type: '',
          pageSize: 0,
          pageToken: '',
          outcome: '',
          fromTime: undefined,
          toTime: undefined,
        },
        { metadata: stack.adminMetadata() },
      );
      expect(response.events).toHaveLength(1);
      return response;
    });
    expect(page.events[0]).toMatchObject({ type: 'identity.user.created', userId: user!.id, tenantId });
  });

  it('paginates the audit log with an opaque cursor', async () => {
    const tenantId = await stack.createTenant();
    for (let i = 0; i < 5; i += 1) {
      expect((await stack.http('POST', '/v1/users', { tenantId, externalId: `page-${i}` })).status).toBe(201);
    }
    await eventually(async () => {
      const all = await stack.http('GET', `/v1/audit/events?tenantId=${tenantId}&type=identity.user.created`);
      expect(all.json['events']).toHaveLength(5);
    });
    const seen: string[] = [];
    let token = '';
    do {
      const page = await stack.http(
        'GET',
        `/v1/audit/events?tenantId=${tenantId}&type=identity.user.created&pageSize=2${token ? `&pageToken=${token}` : ''}`,
      );
      seen.push(...(page.json['events'] as { eventId: string }[]).map((e) => e.eventId));
      token = (page.json['nextPageToken'] as string | undefined) ?? '';
    } while (token);
    expect(seen).toHaveLength(5);
    expect(new Set(seen).size).toBe(5);
    const bad = await stack.http('GET', `/v1/audit/events?tenantId=${tenantId}&pageToken=not-a-token`);
    expect(bad.json).toMatchObject({ status: 400, code: 'PAGE_TOKEN_INVALID' });
  });

  describe('bad input gets a typed error and changes nothing', () => {
    let tenantId: string;

    beforeAll(async () => {
      tenantId = await stack.createTenant();
    });

    const usersOfTenant = () =>
      countRows(stack.identityDb, 'SELECT count(*) AS n FROM users WHERE tenant_id = $1', [tenantId]);
    const outboxRows = () => countRows(stack.identityDb, 'SELECT count(*) AS n FROM outbox_events', []);

    function expectProblem(response: Awaited<ReturnType<SliceStack['http']>>, status: number, code: string) {
      expect(response.status).toBe(status);
      expect(response.contentType).toContain('application/problem+json');
      expect(response.json).toMatchObject({ status, code, type: expect.stringMatching(/^https:\/\//) });
      expect(response.text).not.toMatch(/\bat .+\.(ts|js):\d+/); // no stack trace
      expect(response.text).not.toContain(stack.adminToken);
    }

    it.each([
      ['malformed JSON', { raw: '{"tenantId": ' }, 400, 'MALFORMED_REQUEST'],
      ['a missing external id', { body: { externalId: '' } }, 400, 'VALIDATION_FAILED'],
      ['an invalid email', { body: { externalId: 'x1', email: 'not-an-email' } }, 400, 'VALIDATION_FAILED'],
      [
        'an invalid phone number',
        { body: { externalId: 'x2', phoneNumber: '12345' } },
        400,
        'VALIDATION_FAILED',
      ],
      ['an unknown field', { body: { externalId: 'x3', role: 'admin' } }, 400, 'VALIDATION_FAILED'],
      ['a wrong type', { body: { externalId: 42 } }, 400, 'VALIDATION_FAILED'],
      ['an oversized field', { body: { externalId: 'x'.repeat(1000) } }, 400, 'VALIDATION_FAILED'],
      [
        'an oversized body',
        { body: { externalId: 'x4', padding: 'p'.repeat(20_000) } },
        413,
        'PAYLOAD_TOO_LARGE',
      ],
    ])('HTTP: %s', async (_name, input, status, code) => {
      const before = [await usersOfTenant(), await outboxRows()];
      const body = 'body' in input ? { tenantId, ...input.body } : undefined;
      const response = await stack.http('POST', '/v1/users', body, 'raw' in input ? { raw: input.raw } : {});
      expectProblem(response, status, code);
      expect([await usersOfTenant(), await outboxRows()]).toEqual(before);
    });

    it('HTTP: field violations name the field', async () => {
      const response = await stack.http('POST', '/v1/users', { tenantId, externalId: 'v1', email: 'nope' });
      expect(response.json['errors']).toEqual([{ field: 'email', description: expect.any(String) }]);
    });

    it('HTTP: an unknown tenant', async () => {
      const before = await outboxRows();
      const response = await stack.http('POST', '/v1/users', { tenantId: randomUUID(), externalId: 'ghost' });
      expectProblem(response, 404, 'TENANT_NOT_FOUND');
      expect(await outboxRows()).toBe(before);
    });

    it('HTTP: a duplicate external id', async () => {
      expect((await stack.http('POST', '/v1/users', { tenantId, externalId: 'dup-1' })).status).toBe(201);
      const before = [await usersOfTenant(), await outboxRows()];
      const response = await stack.http('POST', '/v1/users', {
        tenantId,
        externalId: 'dup-1',
        email: 'other@example.org',
      });
      expectProblem(response, 409, 'USER_ALREADY_EXISTS');
      expect([await usersOfTenant(), await outboxRows()]).toEqual(before);
    });

    it('HTTP: an unknown user, an unknown route, a missing credential', async () => {
      expectProblem(
        await stack.http('GET', `/v1/users/${randomUUID()}?tenantId=${tenantId}`),
        404,
        'USER_NOT_FOUND',
      );
      expectProblem(await stack.http('GET', '/v1/nothing-here'), 404, 'ROUTE_NOT_FOUND');
      expectProblem(
        await stack.http('POST', '/v1/users', { tenantId, externalId: 'anon' }, { auth: false }),
        401,
        'UNAUTHENTICATED',
      );
      expect(await usersOfTenant()).toBe(
        await countRows(
          stack.identityDb,
          'SELECT count(*) AS n FROM users WHERE tenant_id = $1 AND external_id <> $2',
          [tenantId, 'anon'],
        ),
      );
    });

    async function grpcError(promise: Promise<unknown>): Promise<DomainError> {
      try {
        await promise;
      } catch (error) {
        return error as DomainError;
      }
      throw new Error('expected the call to fail');
    }

    it.each([
      ['an invalid tenant id', { tenantId: 'not-a-uuid', externalId: 'g1' }, 'VALIDATION_FAILED', 3],
      ['an invalid email', { externalId: 'g2', email: 'nope' }, 'VALIDATION_FAILED', 3],
      ['an oversized field', { externalId: 'y'.repeat(1000) }, 'VALIDATION_FAILED', 3],
      ['an unknown tenant', { tenantId: randomUUID(), externalId: 'g3' }, 'TENANT_NOT_FOUND', 5],
    ])('gRPC: %s', async (_name, fields, code, grpcStatus) => {
      const before = [await usersOfTenant(), await outboxRows()];
      const error = await grpcError(
        stack.grpc.call(
          'createUser',
          { tenantId, email: '', phoneNumber: '', ...fields },
          { metadata: stack.adminMetadata() },
        ),
      );
      expect(error.code).toBe(code);
      expect((error.cause as { code: number }).code).toBe(grpcStatus);
      expect(error.message).not.toMatch(/\bat .+\.(ts|js):\d+/);
      expect([await usersOfTenant(), await outboxRows()]).toEqual(before);
    });

    it('gRPC: a duplicate external id, a wrong credential, an oversized message', async () => {
      await stack.grpc.call(
        'createUser',
        { tenantId, externalId: 'dup-g', email: '', phoneNumber: '' },
        { metadata: stack.adminMetadata() },
      );
      const before = [await usersOfTenant(), await outboxRows()];
      const dup = await grpcError(
        stack.grpc.call(
          'createUser',
          { tenantId, externalId: 'dup-g', email: '', phoneNumber: '' },
          { metadata: stack.adminMetadata() },
        ),
      );
      expect([dup.code, (dup.cause as { code: number }).code]).toEqual(['USER_ALREADY_EXISTS', 6]);

      const unauthenticated = await grpcError(
        stack.grpc.call(
          'createUser',
          { tenantId, externalId: 'g9', email: '', phoneNumber: '' },
          { metadata: stack.adminMetadata('wrong-token') },
        ),
      );
      expect([unauthenticated.code, (unauthenticated.cause as { code: number }).code]).toEqual([
        'UNAUTHENTICATED',
        16,
      ]);

      const huge = await grpcError(
        stack.grpc.call(
          'createUser',
          { tenantId, externalId: 'g10', email: 'z'.repeat(100_000), phoneNumber: '' },
          { metadata: stack.adminMetadata() },
        ),
      );
      expect((huge.cause as { code: number }).code).toBe(8); // RESOURCE_EXHAUSTED, before any handler runs
      expect([await usersOfTenant(), await outboxRows()]).toEqual(before);
    });
  });

  it('writes no secrets or contact data to the logs', () => {
    const logs = stack.gateway.output() + stack.identity.output() + stack.audit.output();
    expect(logs).not.toContain(stack.adminToken);
    expect(logs).not.toContain('7911123456');
    expect(logs).not.toContain('ann.smith@example.org');
  });
});
