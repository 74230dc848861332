/**
 * Exact decimals for money: value = units / 10^scale. Provider prices, spend and loss values are
 * never floats; a float appears only in a ratio (ROI), computed last.
 */
export interface Decimal {
  readonly units: bigint;
  readonly scale: number;
}

export const ZERO: Decimal = Object.freeze({ units: 0n, scale: 0 });

// Plain decimal notation only (no exponent): what providers send and PostgreSQL's numeric prints.
const DECIMAL = /^([+-])?(\d*)(?:\.(\d*))?$/;
const MAX_DIGITS = 40;

/** A decimal string as an exact value, or undefined when it is not one ("", "abc", "1e3"). */
export function parseDecimal(text: string): Decimal | undefined {
  const match = DECIMAL.exec(text.trim());
  if (!match) return undefined;
  const [, sign, whole = '', fraction = ''] = match;
  if (!whole && !fraction) return undefined;
  if (whole.length + fraction.length > MAX_DIGITS) return undefined;
  const units = BigInt(`${whole}${fraction}` || '0');
  return { units: sign === '-' ? -units : units, scale: fraction.length };
}

const rescale = (d: Decimal, scale: number) => d.units * 10n ** BigInt(scale - d.scale);

export function addDecimals(a: Decimal, b: Decimal): Decimal {
  const scale = Math.max(a.scale, b.scale);
  return { units: rescale(a, scale) + rescale(b, scale), scale };
}

export function subtractDecimals(a: Decimal, b: Decimal): Decimal {
  return addDecimals(a, { units: -b.units, scale: b.scale });
}

export function absDecimal(d: Decimal): Decimal {
  return d.units < 0n ? { units: -d.units, scale: d.scale } : d;
}

export function multiplyDecimal(d: Decimal, factor: number | bigint): Decimal {
  return { units: d.units * BigInt(factor), scale: d.scale };
}

export const isZero = (d: Decimal) => d.units === 0n;

/** The shortest exact form: no exponent, no trailing zeros, "0" for zero ("-0.00750" → "-0.0075"). */
export function formatDecimal(d: Decimal): string {
  const negative = d.units < 0n;
  const digits = (negative ? -d.units : d.units).toString().padStart(d.scale + 1, '0');
  const whole = digits.slice(0, digits.length - d.scale);
  const fraction = digits.slice(digits.length - d.scale).replace(/0+$/, '');
  const text = fraction ? `${whole}.${fraction}` : whole;
  return negative && text !== '0' ? `-${text}` : text;
}

/** For ratios only: the nearest double. */
export const decimalToNumber = (d: Decimal) => Number(formatDecimal(d));

/** Normalises a decimal string; an unparsable one is returned as zero. */
export const normaliseDecimal = (text: string) => formatDecimal(parseDecimal(text) ?? ZERO);
