import type { AuditEvent, AuditQuery } from '../../domain/audit-event';
import type { AuditLog } from '../../domain/ports';
import { ListAuditEventsUseCase } from './list-audit-events.use-case';

const event = (sequence: number): AuditEvent => ({
  eventId: `e-${sequence}`,
  tenantId: 't',
  type: 'identity.user.created',
  userId: undefined,
  source: 'topic',
  occurredAt: new Date(0),
  recordedAt: new Date(0),
  data: {},
  outcome: 'none',
  clientIp: undefined,
  traceparent: undefined,
  sequence: String(sequence),
  hash: 'h',
  previousHash: 'p',
});

function log(events: AuditEvent[]): AuditLog & { queries: AuditQuery[] } {
  const queries: AuditQuery[] = [];
  return {
    queries,
    append: async () => [],
    export: async function* () {},
    verify: () => Promise.reject(new Error('unused')),
    list: async (q) => {
      queries.push(q);
      return events.filter((e) => Number(e.sequence) > Number(q.afterSequence ?? 0)).slice(0, q.limit);
    },
  };
}

describe('ListAuditEventsUseCase', () => {
  it('pages with an opaque cursor and stops at the end', async () => {
    const store = log([1, 2, 3, 4, 5].map(event));
    const useCase = new ListAuditEventsUseCase(store);
    const first = await useCase.execute({ tenantId: 't', pageSize: 2 });
    expect(first.events.map((e) => e.sequence)).toEqual(['1', '2']);
    expect(first.nextPageToken).toBeDefined();
    expect(first.nextPageToken).not.toMatch(/^\d+$/); // opaque, not a raw sequence number
    const second = await useCase.execute({ tenantId: 't', pageSize: 2, pageToken: first.nextPageToken });
    const third = await useCase.execute({ tenantId: 't', pageSize: 2, pageToken: second.nextPageToken });
    expect([...second.events, ...third.events].map((e) => e.sequence)).toEqual(['3', '4', '5']);
    expect(third.nextPageToken).toBeUndefined();
  });

  it.each([
    'garbage',
    Buffer.from('seq:1; DROP TABLE').toString('base64url'),
    Buffer.from('seq:-1').toString('base64url'),
  ])('refuses a page token it did not issue (%s)', async (token) => {
    const store = log([]);
    await expect(
      new ListAuditEventsUseCase(store).execute({ tenantId: 't', pageSize: 2, pageToken: token }),
    ).rejects.toMatchObject({
      code: 'PAGE_TOKEN_INVALID',
    });
    expect(store.queries).toHaveLength(0);
  });
});
