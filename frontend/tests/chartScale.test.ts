import { describe, expect, it } from 'vitest';
import { fillDecades, fillYears, niceTicks, stackTotals, valueAxis } from '../src/chartScale';

describe('niceTicks', () => {
  it('puts ticks on 1-2-5 multiples and covers the largest value', () => {
    for (const max of [7, 9.5e6, 38, 717, 1.23e9, 0.93, 28, 3_000_000_001]) {
      const ticks = niceTicks([max]);
      const step = ticks[1] - ticks[0];
      const mantissa = step / 10 ** Math.floor(Math.log10(step));
      expect([1, 2, 5, 10].some((nice) => Math.abs(mantissa - nice) < 1e-9), `${max}: step ${step}`).toBe(true);
      expect(ticks[0]).toBe(0);
      expect(ticks[ticks.length - 1]).toBeGreaterThanOrEqual(max);
      expect(ticks.length).toBeLessThanOrEqual(6);
      ticks.forEach((tick) => expect(Math.abs(tick / step - Math.round(tick / step))).toBeLessThan(1e-9));
    }
  });
  it('gives whole steps for counts and spans negative values', () => {
    expect(niceTicks([3], 4, true)).toEqual([0, 1, 2, 3]);
    expect(niceTicks([-12, 30])).toEqual([-20, 0, 20, 40]);
    expect(valueAxis([9.5e6]).domain).toEqual([0, 10e6]);
    expect(niceTicks([])).toEqual([0, 1]);
  });
});

describe('gap filling', () => {
  it('adds a zero row for every empty year and decade', () => {
    const years = fillYears([{ key: 1995, a: 1 }, { key: 1998, a: 2, b: 1 }], ['a', 'b']);
    expect(years.map((row) => row.key)).toEqual([1995, 1996, 1997, 1998]);
    expect(years[1]).toEqual({ key: 1996, a: 0, b: 0 });
    const decades = fillDecades([{ key: '1930s', a: 1 }, { key: '1960s', a: 2 }], ['a']);
    expect(decades.map((row) => row.key)).toEqual(['1930s', '1940s', '1950s', '1960s']);
    expect(stackTotals(years, ['a', 'b'])).toEqual([1, 0, 0, 3]);
  });
});
