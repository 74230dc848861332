import { normaliseRecoveryCode, randomDigits, randomRecoveryCode, randomToken } from './random';

const CROCKFORD = /^[0-9ABCDEFGHJKMNPQRSTVWXYZ]+$/;

describe('randomDigits', () => {
  it.each([6, 8, 10])('returns %i decimal digits', (length) => {
    const code = randomDigits(length);
    expect(code).toHaveLength(length);
    expect(code).toMatch(/^[0-9]+$/);
  });

  it.each([5, 11, 6.5, Number.NaN])('refuses length %p', (length) => {
    expect(() => randomDigits(length)).toThrow(/6 to 10/);
  });

  it('is roughly uniform over 20k draws (each digit 8% to 12%)', () => {
    const counts = new Array<number>(10).fill(0);
    const draws = 2_000;
    for (let i = 0; i < draws; i++) {
      for (const digit of randomDigits(10)) counts[Number(digit)]++;
    }
    const total = draws * 10;
    for (const count of counts) {
      expect(count / total).toBeGreaterThanOrEqual(0.08);
      expect(count / total).toBeLessThanOrEqual(0.12);
    }
  });
});

describe('recovery codes', () => {
  it('are 16 Crockford base32 characters (80 bits) as XXXX-XXXX-XXXX-XXXX', () => {
    const code = randomRecoveryCode();
    expect(code).toMatch(/^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$/);
    const bare = code.replace(/-/g, '');
    expect(bare).toHaveLength(16);
    expect(bare).toMatch(CROCKFORD);
    expect(bare.length * 5).toBe(80);
  });

  it('use the whole alphabet and never repeat in practice', () => {
    const codes = Array.from({ length: 500 }, () => randomRecoveryCode());
    expect(new Set(codes).size).toBe(codes.length);
    const seen = new Set(codes.join('').replace(/-/g, ''));
    expect(seen.size).toBe(32);
    for (const ambiguous of ['I', 'L', 'O', 'U']) expect(seen.has(ambiguous)).toBe(false);
  });

  it('normalise back to the bare form however the user typed them', () => {
    const code = randomRecoveryCode();
    const bare = code.replace(/-/g, '');
    expect(normaliseRecoveryCode(code)).toBe(bare);
    expect(normaliseRecoveryCode(code.toLowerCase())).toBe(bare);
    expect(normaliseRecoveryCode(` ${code.replace(/-/g, ' ')} `)).toBe(bare);
    expect(normaliseRecoveryCode(bare.toLowerCase().match(/.{4}/g)!.join('-'))).toBe(bare);
  });

  it('read O as 0 and I or L as 1', () => {
    expect(normaliseRecoveryCode('abcd efgh-jkmn-pqrs')).toBe('ABCDEFGHJKMNPQRS');
    expect(normaliseRecoveryCode('o0oO-iIlL-1111-ab2c')).toBe('000011111111AB2C');
    expect(normaliseRecoveryCode('OOOO IIII LLLL oil1')).toBe('0000111111110111');
  });
});

describe('randomToken', () => {
  it('is base64url of 16 bytes by default and more on request', () => {
    expect(randomToken()).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(Buffer.from(randomToken(32), 'base64url')).toHaveLength(32);
    expect(randomToken()).not.toBe(randomToken());
  });

  it('refuses fewer than 16 bytes', () => {
    expect(() => randomToken(15)).toThrow(/at least 16/);
  });
});
