import { InvalidatingCache } from './invalidating-cache';

describe(InvalidatingCache.name, () => {
  it('serves a loaded value until it is invalidated', async () => {
    const sut = new InvalidatingCache<number>();
    let loads = 0;
    const load = async () => ++loads;
    expect(await sut.get('k', load)).toBe(1);
    expect(await sut.get('k', load)).toBe(1);
    sut.invalidate('k');
    expect(await sut.get('k', load)).toBe(2);
  });

  it('does not keep a value whose load was in flight when the key was invalidated', async () => {
    const sut = new InvalidatingCache<string>();
    let release!: (v: string) => void;
    const pending = sut.get('k', () => new Promise<string>((r) => (release = r)));
    sut.invalidate('k');
    release('stale');
    expect(await pending).toBe('stale');
    expect(await sut.get('k', async () => 'fresh')).toBe('fresh');
  });

  it('drops everything on clear, including in-flight loads', async () => {
    const sut = new InvalidatingCache<string>();
    await sut.get('a', async () => 'A');
    let release!: (v: string) => void;
    const pending = sut.get('b', () => new Promise<string>((r) => (release = r)));
    sut.clear();
    release('B');
    await pending;
    expect(sut.size).toBe(0);
  });

  it('expires entries after their time to live', async () => {
    const sut = new InvalidatingCache<number>(10, 1);
    let loads = 0;
    await sut.get('k', async () => ++loads);
    await new Promise((r) => setTimeout(r, 5));
    expect(await sut.get('k', async () => ++loads)).toBe(2);
  });

  it('evicts the oldest entry when full', async () => {
    const sut = new InvalidatingCache<number>(2);
    await sut.get('a', async () => 1);
    await sut.get('b', async () => 2);
    await sut.get('c', async () => 3);
    expect(sut.size).toBe(2);
    expect(await sut.get('a', async () => 10)).toBe(10);
  });
});
