import { backoffDelayMs } from './backoff';

describe(backoffDelayMs.name, () => {
  const o = { baseMs: 1000, capMs: 3600_000 };

  it('stays within [0, min(cap, base * 2^(n-1))) for every attempt', () => {
    for (let n = 1; n <= 40; n++) {
      const ceiling = Math.min(o.capMs, o.baseMs * 2 ** (n - 1));
      for (let i = 0; i < 200; i++) {
        const sut = backoffDelayMs(n, o);
        expect(sut).toBeGreaterThanOrEqual(0);
        expect(sut).toBeLessThan(ceiling);
        expect(Number.isInteger(sut)).toBe(true);
      }
    }
  });

  it('uses the full range: the random draw scales the exponential ceiling', () => {
    expect(backoffDelayMs(1, o, () => 0)).toBe(0);
    expect(backoffDelayMs(1, o, () => 0.999999)).toBe(999);
    expect(backoffDelayMs(3, o, () => 0.5)).toBe(2000);
    expect(backoffDelayMs(11, o, () => 0.5)).toBe(512_000);
  });

  it('is capped (1 h by default) however many attempts failed, without overflowing', () => {
    expect(backoffDelayMs(13, o, () => 0.999999)).toBe(3599_996);
    expect(backoffDelayMs(10_000, o, () => 0.5)).toBe(1800_000);
    expect(backoffDelayMs(Number.MAX_SAFE_INTEGER, o, () => 0.5)).toBe(1800_000);
  });

  it('treats attempt 0 or less like the first', () => {
    expect(backoffDelayMs(0, o, () => 0.5)).toBe(500);
  });

  it('spreads retries: the mean of many draws is about half the ceiling', () => {
    const draws = Array.from({ length: 5000 }, () => backoffDelayMs(4, o));
    const mean = draws.reduce((a, b) => a + b, 0) / draws.length;
    expect(mean).toBeGreaterThan(3600);
    expect(mean).toBeLessThan(4400);
  });
});
