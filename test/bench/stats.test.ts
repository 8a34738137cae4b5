import { median, medianRatio, parseProcStatTicks, percentile, ratioSpread } from '../../bench/stats.js';

describe('bench helpers', () => {
  it('percentile uses nearest rank', () => {
    const v = Array.from({ length: 100 }, (_, i) => 100 - i);
    expect(percentile(v, 50)).toBe(50);
    expect(percentile(v, 99)).toBe(99);
    expect(percentile(v, 100)).toBe(100);
    expect(percentile([7], 99)).toBe(7);
    expect(percentile([], 50)).toBeNaN();
  });
  it('median of odd and even lists', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });
  it('parses utime+stime from /proc/<pid>/stat, comm with spaces', () => {
    const stat = '1234 (node my server) S 1 1234 1234 0 -1 4194560 500 0 0 0 150 25 0 0 20 0 11 0 100 1000 200';
    expect(parseProcStatTicks(stat)).toBe(175);
  });
  it('median ratio of paired passes', () => {
    expect(medianRatio([2, 3, 10], [1, 1, 10])).toBe(2);
  });
});

describe('ratioSpread', () => {
  it('is the min and max of the paired ratios, pairs with a zero denominator left out', () => {
    expect(ratioSpread([2, 3, 10], [1, 1, 10])).toEqual([1, 3]);
    expect(ratioSpread([1, 5], [3, 0])).toEqual([0.33, 0.33]);
    expect(ratioSpread([], [])).toBeUndefined();
  });
});
