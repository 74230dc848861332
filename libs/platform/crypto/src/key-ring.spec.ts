import { randomBytes } from 'node:crypto';
import { generateKeyRingEntry, parseKeyRing } from './key-ring';

function thrown(fn: () => unknown): Error {
  try {
    fn();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected an error');
}

const key1 = randomBytes(32);
const key2 = randomBytes(32);

describe('parseKeyRing', () => {
  it('reads kid:base64key entries, newest last, with the last one active by default', () => {
    const ring = parseKeyRing(` k1:${key1.toString('base64')} , k2:${key2.toString('base64url')}`);
    expect(ring.keyIds).toEqual(['k1', 'k2']);
    expect(ring.activeKeyId).toBe('k2');
    expect(ring.key('k1')?.equals(key1)).toBe(true);
    expect(ring.key('k2')?.equals(key2)).toBe(true);
    expect(ring.key('k3')).toBeUndefined();
    expect(ring.key('__proto__')).toBeUndefined();
  });

  it('uses an explicit active key id', () => {
    const ring = parseKeyRing(`k1:${key1.toString('base64')},k2:${key2.toString('base64')}`, 'k1');
    expect(ring.activeKeyId).toBe('k1');
  });

  it('hands out copies, so callers cannot corrupt the ring', () => {
    const ring = parseKeyRing(`k1:${key1.toString('base64')}`);
    ring.key('k1')?.fill(0);
    expect(ring.key('k1')?.equals(key1)).toBe(true);
  });

  it.each([
    ['a short key', `k1:${randomBytes(31).toString('base64')}`, /exactly 32 bytes/],
    ['a long key', `k1:${randomBytes(33).toString('base64url')}`, /exactly 32 bytes/],
    ['a key that is not base64', `k1:${randomBytes(32).toString('hex')}!`, /not base64/],
    ['a missing kid', randomBytes(32).toString('base64'), /kid:base64key/],
    ['a bad kid', `bad kid:${randomBytes(32).toString('base64')}`, /key id must match/],
    ['an over-long kid', `${'k'.repeat(33)}:${randomBytes(32).toString('base64')}`, /key id must match/],
    ['an empty entry', `k1:${randomBytes(32).toString('base64')},`, /entry 2 is empty/],
  ])('refuses %s without echoing the key material', (_name, spec, message) => {
    const error = thrown(() => parseKeyRing(spec));
    expect(error.message).toMatch(message);
    const material = spec.slice(spec.indexOf(':') + 1);
    expect(error.message).not.toContain(material);
    expect(error.message).not.toContain(material.slice(0, 12));
  });

  it('refuses a duplicate kid without echoing either key', () => {
    const spec = `k1:${key1.toString('base64')},k1:${key2.toString('base64')}`;
    const error = thrown(() => parseKeyRing(spec));
    expect(error.message).toMatch(/duplicate key id "k1"/);
    expect(error.message).not.toContain(key1.toString('base64').slice(0, 12));
    expect(error.message).not.toContain(key2.toString('base64').slice(0, 12));
  });

  it('refuses an active key id that is not in the ring', () => {
    const error = thrown(() => parseKeyRing(`k1:${key1.toString('base64')}`, 'k2'));
    expect(error.message).toMatch(/Active key id "k2" is not in the key ring/);
    expect(error.message).not.toContain(key1.toString('base64').slice(0, 12));
  });

  it('does not echo an active key id that looks like pasted key material', () => {
    const pasted = key2.toString('base64');
    const error = thrown(() => parseKeyRing(`k1:${key1.toString('base64')}`, pasted));
    expect(error.message).not.toContain(pasted.slice(0, 12));
  });

  it('refuses an empty setting', () => {
    expect(() => parseKeyRing('  ')).toThrow(/empty/);
  });
});

describe('generateKeyRingEntry', () => {
  it('produces an entry parseKeyRing accepts, fresh each time', () => {
    const first = generateKeyRingEntry('2025-01');
    const second = generateKeyRingEntry('2025-02');
    const ring = parseKeyRing(`${first},${second}`);
    expect(ring.keyIds).toEqual(['2025-01', '2025-02']);
    expect(ring.key('2025-01')?.equals(ring.key('2025-02')!)).toBe(false);
  });

  it('refuses a bad kid', () => {
    expect(() => generateKeyRingEntry('no:colons')).toThrow(/Key id/);
  });
});
