import { cryptoRandom } from '../../../src/engine/random.js';

describe('cryptoRandom', () => {
  it('issues version-4 UUIDs, all different', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 20_000; i++) {
      const id = cryptoRandom.uuid();
      expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      seen.add(id);
    }
    expect(seen.size).toBe(20_000);
  });

  it('issues URL-safe tokens of the asked length, all different', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 20_000; i++) {
      const token = cryptoRandom.token(22);
      expect(token).toMatch(/^[A-Za-z0-9_-]{22}$/);
      seen.add(token);
    }
    expect(seen.size).toBe(20_000);
    expect(cryptoRandom.token(5)).toHaveLength(5);
  });
});
