import { verifyTotp } from './totp.strategy';

const ascii = (s: string) => Buffer.from(s, 'ascii');
const SEEDS = {
  SHA1: ascii('12345678901234567890'),
  SHA256: ascii('12345678901234567890123456789012'),
  SHA512: ascii('1234567890123456789012345678901234567890123456789012345678901234'),
} as const;

/** RFC 6238 Appendix B (8 digits, 30 s), including T = 20000000000, beyond 32 bits. */
const RFC6238: [number, Record<keyof typeof SEEDS, string>][] = [
  [59, { SHA1: '94287082', SHA256: '46119246', SHA512: '90693936' }],
  [1111111109, { SHA1: '07081804', SHA256: '68084774', SHA512: '25091201' }],
  [1111111111, { SHA1: '14050471', SHA256: '67062674', SHA512: '99943326' }],
  [1234567890, { SHA1: '89005924', SHA256: '91819424', SHA512: '93441116' }],
  [2000000000, { SHA1: '69279037', SHA256: '90698825', SHA512: '38618901' }],
  [20000000000, { SHA1: '65353130', SHA256: '77737706', SHA512: '47863826' }],
];

/** RFC 4226 Appendix D: HOTP counter c is TOTP at T = 30c. */
const RFC4226 = [
  '755224',
  '287082',
  '359152',
  '969429',
  '338314',
  '254676',
  '287922',
  '162583',
  '399871',
  '520489',
];

describe('TOTP verification (SECURITY.md 1, 2, 5)', () => {
  it.each(
    RFC6238.flatMap(([t, codes]) =>
      (Object.keys(codes) as (keyof typeof SEEDS)[]).map((alg) => [alg, t, codes[alg]] as const),
    ),
  )('passes the RFC 6238 vector %s at T=%d', (algorithm, t, code) => {
    const step = verifyTotp(
      SEEDS[algorithm],
      code,
      { algorithm, digits: 8, period: 30 },
      0,
      new Date(t * 1000),
    );
    expect(step).toBe(Math.floor(t / 30));
  });

  it.each(RFC4226.map((code, counter) => [counter, code] as const))(
    'passes the RFC 4226 vector for counter %d',
    (counter, code) => {
      expect(
        verifyTotp(
          SEEDS.SHA1,
          code,
          { algorithm: 'SHA1', digits: 6, period: 30 },
          0,
          new Date(counter * 30_000),
        ),
      ).toBe(counter);
    },
  );

  const params = { algorithm: 'SHA1', digits: 6, period: 30 } as const;
  const at = (step: number) => new Date(step * 30_000 + 15_000);
  const codeAt = (step: number) => RFC4226[step];

  it('accepts one step of drift each way by default and refuses codes further out', () => {
    const now = at(5);
    expect(verifyTotp(SEEDS.SHA1, codeAt(4), params, 1, now)).toBe(4);
    expect(verifyTotp(SEEDS.SHA1, codeAt(6), params, 1, now)).toBe(6);
    expect(verifyTotp(SEEDS.SHA1, codeAt(3), params, 1, now)).toBeUndefined();
    expect(verifyTotp(SEEDS.SHA1, codeAt(7), params, 1, now)).toBeUndefined();
  });

  it('honours a configured drift of zero', () => {
    expect(verifyTotp(SEEDS.SHA1, codeAt(4), params, 0, at(5))).toBeUndefined();
    expect(verifyTotp(SEEDS.SHA1, codeAt(5), params, 0, at(5))).toBe(5);
  });

  it('uses only the server clock it is given: a code is judged by `now`, never by the client', () => {
    // The same code is valid at its own step and invalid two steps later; nothing else can move it.
    expect(verifyTotp(SEEDS.SHA1, codeAt(2), params, 1, at(2))).toBe(2);
    expect(verifyTotp(SEEDS.SHA1, codeAt(2), params, 1, at(4))).toBeUndefined();
  });

  it('refuses malformed codes without throwing', () => {
    for (const bad of ['', '12345', '1234567', 'abcdef', ' 755224', '７５５２２４']) {
      expect(verifyTotp(SEEDS.SHA1, bad, params, 1, at(0))).toBeUndefined();
    }
  });
});
