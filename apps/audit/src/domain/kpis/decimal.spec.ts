import {
  absDecimal,
  addDecimals,
  formatDecimal,
  multiplyDecimal,
  normaliseDecimal,
  parseDecimal,
  subtractDecimals,
  ZERO,
} from './decimal';

const d = (text: string) => {
  const parsed = parseDecimal(text);
  if (!parsed) throw new Error(`not a decimal: ${text}`);
  return parsed;
};

describe('decimal', () => {
  it.each([
    ['-0.0075', '-0.0075'],
    ['-0.00750', '-0.0075'],
    ['0.0000', '0'],
    ['-0', '0'],
    ['1500.00', '1500'],
    ['12.3400', '12.34'],
    ['007', '7'],
    ['.5', '0.5'],
    ['5.', '5'],
  ])('reads %s exactly and prints it as %s', (text, printed) => {
    expect(formatDecimal(d(text))).toBe(printed);
  });

  it.each(['', '.', 'abc', '1e3', '1,5', '--1', '0x10', 'NaN'])('refuses %j', (text) => {
    expect(parseDecimal(text)).toBeUndefined();
  });

  it('adds provider prices without float drift', () => {
    // 0.1 + 0.2 in floating point is 0.30000000000000004; a thousand Twilio prices sum exactly.
    expect(formatDecimal(addDecimals(d('0.1'), d('0.2')))).toBe('0.3');
    let sum = ZERO;
    for (let i = 0; i < 1000; i += 1) sum = addDecimals(sum, absDecimal(d('-0.0075')));
    expect(formatDecimal(sum)).toBe('7.5');
    expect(formatDecimal(addDecimals(d('0.00755'), d('1.2')))).toBe('1.20755');
  });

  it('subtracts, takes sizes and multiplies by counts', () => {
    expect(formatDecimal(subtractDecimals(d('1'), d('2.5')))).toBe('-1.5');
    expect(formatDecimal(absDecimal(d('-3.25')))).toBe('3.25');
    expect(formatDecimal(multiplyDecimal(d('1500.1234'), 3))).toBe('4500.3702');
    expect(formatDecimal(multiplyDecimal(d('99999999999999.9999'), 100_001))).toBe(
      '10000099999999999989.9999',
    );
  });

  it('normalises a numeric printed by PostgreSQL, and an unreadable value to 0', () => {
    expect(normaliseDecimal('1500.0000')).toBe('1500');
    expect(normaliseDecimal('garbage')).toBe('0');
  });
});
