import { describe, expect, it } from 'vitest';
import { normalizeValue } from '../src/db/rows';

describe('normalizeValue', () => {
  it('turns BigInt into number and keeps primitives', () => {
    expect(normalizeValue(12n)).toBe(12);
    expect(normalizeValue('a')).toBe('a');
    expect(normalizeValue(null)).toBeNull();
    expect(normalizeValue(undefined)).toBeNull();
  });
  it('turns Arrow-like vectors into arrays, recursively', () => {
    const vector = { toArray: () => ['x', 2n] };
    expect(normalizeValue(vector)).toEqual(['x', 2]);
  });
  it('unwraps boxed values', () => {
    expect(normalizeValue(new Number(3.5))).toBe(3.5);
  });
});

describe('temporal columns', () => {
  it('DATE and TIMESTAMP come out as ISO text, not epoch milliseconds', async () => {
    const { openTestEngine } = await import('./engineHarness');
    const run = await openTestEngine();
    expect(run("select date '2010-06-18' as d, timestamp '2010-06-18 10:11:12' as t, null::date as n")).toEqual([
      { d: '2010-06-18', t: '2010-06-18 10:11:12', n: null },
    ]);
  });
});
