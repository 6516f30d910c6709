/** Formatting for checking a bill: money, token columns, unpriced usage, durations. */
import { describe, expect, it } from 'vitest';
import { costText, duration, ms, tokenUnit, tokens, usd, usdDecimals } from './format.js';

describe('usd', () => {
  it('shows cents with thousands separators from $1 up', () => {
    expect(usd(1)).toBe('$1.00');
    expect(usd(1234.5)).toBe('$1,234.50');
    expect(usd(1234567.891)).toBe('$1,234,567.89');
    expect(usd(99.999)).toBe('$100.00');
    expect(usd(0)).toBe('$0.00');
    expect(usd(null)).toBe('–');
  });

  it('shows enough digits below a cent to be non-zero', () => {
    expect(usd(0.5)).toBe('$0.50');
    expect(usd(0.0123)).toBe('$0.01');
    expect(usd(0.0042)).toBe('$0.0042');
    expect(usd(0.000071)).toBe('$0.000071');
    expect(usd(0.0000001)).not.toBe('$0.00');
  });

  it('gives a whole column one format', () => {
    const column = [1234.5, 0.5, 0.0042];
    const d = usdDecimals(column);
    expect(d).toBe(4);
    expect(column.map((v) => usd(v, d))).toEqual(['$1,234.5000', '$0.5000', '$0.0042']);
    expect(usdDecimals([3, 0.25, 0])).toBe(2);
  });
});

describe('tokens', () => {
  it('picks one unit for a column from its largest value', () => {
    const column = [1_200_000, 950_000, 12_000];
    const unit = tokenUnit(column);
    expect(column.map((v) => tokens(v, unit))).toEqual(['1.2M', '1.0M', '<0.1M']);
    expect(tokenUnit([950_000]).suffix).toBe('K');
    expect(tokens(950_000)).toBe('950.0K');
    expect(tokens(9_999)).toBe('9,999');
    expect(tokens(2_500_000_000)).toBe('2.5B');
    expect(tokens(0, unit)).toBe('0');
  });
});

describe('costText', () => {
  it('never shows unpriced usage as $0.00', () => {
    expect(costText(0, 12_345)).toBe('unpriced (12.3K tok)');
    expect(costText(0, 12_345)).not.toContain('$0.00');
    expect(costText(1.5, 200)).toBe('$1.50 + unpriced (200 tok)');
    expect(costText(0, 0)).toBe('$0.00');
    expect(costText(2, 0)).toBe('$2.00');
  });
});

describe('durations', () => {
  it('never rounds a 58-minute call up into an hour', () => {
    expect(ms(58 * 60_000)).toBe('58m 0s');
    expect(ms(58 * 60_000 + 59_700)).toBe('58m 59s');
    expect(ms(3_599_999)).toBe('59m 59s');
    expect(ms(3_600_000)).toBe('1h 0m');
    expect(duration(64 * 60_000)).toBe('1h 4m');
  });

  it('keeps each step in its own unit', () => {
    expect(ms(420.4)).toBe('420 ms');
    expect(ms(999.6)).toBe('1.00 s');
    expect(ms(4210)).toBe('4.21 s');
    expect(ms(9996)).toBe('10.0 s');
    expect(ms(59_960)).toBe('59s');
    expect(ms(61_000)).toBe('1m 1s');
    expect(duration(49 * 3_600_000)).toBe('2d 1h');
  });
});
