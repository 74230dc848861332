import { DomainError } from '@portcullis/errors';
import { resolvePeriod } from './kpi-period';

const now = new Date('2025-03-10T15:30:00Z');
const at = (iso: string) => new Date(iso);

describe('resolvePeriod', () => {
  it('defaults to the last 30 days, today included', () => {
    const period = resolvePeriod({}, now);
    expect(period.from).toEqual(at('2025-02-09T00:00:00Z'));
    expect(period.to).toEqual(at('2025-03-11T00:00:00Z'));
    expect(period.days).toHaveLength(30);
    expect(period.days[0]).toBe('2025-02-09');
    expect(period.days[29]).toBe('2025-03-10');
  });

  it('widens a period to whole UTC days', () => {
    const period = resolvePeriod({ from: at('2025-01-01T10:00:00Z'), to: at('2025-01-03T00:00:01Z') }, now);
    expect(period.from).toEqual(at('2025-01-01T00:00:00Z'));
    expect(period.to).toEqual(at('2025-01-04T00:00:00Z'));
    expect(period.days).toEqual(['2025-01-01', '2025-01-02', '2025-01-03']);
  });

  it('counts 30 days back from a given end', () => {
    expect(resolvePeriod({ to: at('2025-01-31T00:00:00Z') }, now).days[0]).toBe('2025-01-01');
  });

  it.each([
    ['to before from', { from: at('2025-01-05T00:00:00Z'), to: at('2025-01-04T00:00:00Z') }],
    ['to equal to from', { from: at('2025-01-05T00:00:00Z'), to: at('2025-01-05T00:00:00Z') }],
    ['more than 400 days', { from: at('2024-01-01T00:00:00Z'), to: at('2025-02-05T00:00:00Z') }],
    ['a start after today without an end', { from: at('2025-04-01T00:00:00Z') }],
  ])('refuses %s with KPI_PERIOD_INVALID', (_, request) => {
    let error: unknown;
    try {
      resolvePeriod(request, now);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(DomainError);
    expect(error).toMatchObject({ kind: 'INVALID_ARGUMENT', code: 'KPI_PERIOD_INVALID' });
  });

  it('accepts exactly 400 days', () => {
    expect(
      resolvePeriod({ from: at('2024-01-01T00:00:00Z'), to: at('2025-02-04T00:00:00Z') }, now).days,
    ).toHaveLength(400);
  });
});
