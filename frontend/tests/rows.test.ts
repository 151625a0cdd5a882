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
