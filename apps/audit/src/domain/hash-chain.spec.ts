import { createHash } from 'node:crypto';
import { type ChainedRecord, ChainVerifier, GENESIS_HASH, recordHash } from './hash-chain';

function chain(length: number, start = { sequence: 0n, hash: GENESIS_HASH }): ChainedRecord[] {
  const records: ChainedRecord[] = [];
  let previousHash = start.hash;
  for (let i = 1; i <= length; i += 1) {
    const content = {
      eventId: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
      tenantId: 't1',
      type: 'identity.user.created',
      userId: i % 2 ? `u${i}` : undefined,
      source: 'portcullis.identity.events.v1',
      outcome: 'none',
      occurredAt: new Date(Date.UTC(2026, 0, 1, 0, 0, i)),
      recordedAt: new Date(Date.UTC(2026, 0, 1, 0, 1, i)),
      data: { tenantId: 't1', n: i, nested: { b: [1, 'x'], a: true } },
      previousHash,
    };
    const hash = recordHash(content);
    records.push({ ...content, sequence: String(start.sequence + BigInt(i)), hash });
    previousHash = hash;
  }
  return records;
}

function verify(records: ChainedRecord[], head = records[records.length - 1], start = undefined) {
  const verifier = new ChainVerifier(start ?? { sequence: 0n, hash: GENESIS_HASH });
  for (const r of records) verifier.check(r);
  return verifier.finish(head ? { sequence: BigInt(head.sequence), hash: head.hash } : undefined);
}

describe('audit hash chain', () => {
  it('is SHA-256 over RFC 8785 canonical JSON, independent of key order', () => {
    const [first] = chain(1);
    if (!first) throw new Error('no record');
    const canonical =
      '{"data":{"n":1,"nested":{"a":true,"b":[1,"x"]},"tenantId":"t1"},' +
      '"eventId":"00000000-0000-4000-8000-000000000001","occurredAt":"2026-01-01T00:00:01.000Z",' +
      `"outcome":"none","previousHash":"${GENESIS_HASH}","recordedAt":"2026-01-01T00:01:01.000Z",` +
      '"source":"portcullis.identity.events.v1","tenantId":"t1","type":"identity.user.created",' +
      '"userId":"u1","v":1}';
    expect(first.hash).toBe(createHash('sha256').update(canonical).digest('hex'));
    expect(recordHash({ ...first, data: { nested: { a: true, b: [1, 'x'] }, n: 1, tenantId: 't1' } })).toBe(
      first.hash,
    );
  });

  it('verifies an untouched chain', () => {
    expect(verify(chain(5))).toEqual({
      intact: true,
      checked: 5,
      firstSequence: '1',
      lastSequence: '5',
      droppedThroughSequence: '0',
      problems: [],
    });
  });

  it('finds an edited record', () => {
    const records = chain(5);
    records[2] = { ...records[2], data: { tenantId: 't1', n: 999 } };
    const result = verify(records);
    expect(result.intact).toBe(false);
    expect(result.problems).toEqual([{ kind: 'EDITED', sequence: '3', detail: expect.any(String) }]);
  });

  it('finds an edited record whose hash was recomputed: the next link breaks', () => {
    const records = chain(5);
    const edited = { ...records[2], outcome: 'success' };
    records[2] = { ...edited, hash: recordHash(edited) };
    expect(verify(records).problems.map((p) => [p.kind, p.sequence])).toEqual([['REORDERED', '4']]);
  });

  it('finds a removed record', () => {
    const records = chain(5);
    records.splice(1, 1);
    expect(verify(records).problems).toEqual([
      { kind: 'REMOVED', sequence: '2', detail: 'record 2 is missing' },
    ]);
  });

  it('finds two records swapped in position', () => {
    const records = chain(5);
    const [a, b] = [records[1], records[2]];
    records[1] = { ...b, sequence: a.sequence };
    records[2] = { ...a, sequence: b.sequence };
    const kinds = verify(records).problems.map((p) => [p.kind, p.sequence]);
    expect(kinds).toEqual([
      ['REORDERED', '2'],
      ['REORDERED', '3'],
      ['REORDERED', '4'],
    ]);
  });

  it('finds the newest records removed, by the head kept apart', () => {
    const records = chain(5);
    const head = records[4];
    expect(verify(records.slice(0, 3), head).problems).toEqual([
      { kind: 'HEAD_MISMATCH', sequence: '4', detail: 'the log ends at 3 but 5 records were appended' },
    ]);
  });

  it('resumes from the last link dropped by retention', () => {
    const records = chain(6);
    const dropped = records[2];
    const verifier = new ChainVerifier({ sequence: 3n, hash: dropped.hash });
    for (const r of records.slice(3)) verifier.check(r);
    const result = verifier.finish({ sequence: 6n, hash: records[5].hash });
    expect(result).toMatchObject({
      intact: true,
      checked: 3,
      firstSequence: '4',
      droppedThroughSequence: '3',
    });
  });
});
