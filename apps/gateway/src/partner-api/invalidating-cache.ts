/**
 * A read-through cache whose entries are dropped by invalidation messages. A fill that was in flight
 * when its key was invalidated is not stored (its answer may predate the change), so a cached value is
 * never older than the last invalidation the gateway received. Bounded: the oldest entries go first.
 */
export class InvalidatingCache<V> {
  private readonly entries = new Map<string, { value: V; until: number }>();
  private readonly generations = new Map<string, number>();
  private epoch = 0;

  constructor(
    private readonly maxEntries = 50_000,
    private readonly maxAgeMs = 60_000,
  ) {}

  async get(key: string, load: () => Promise<V>, ttlMs = this.maxAgeMs): Promise<V> {
    const hit = this.entries.get(key);
    if (hit && hit.until > Date.now()) return hit.value;
    const generation = this.generations.get(key) ?? 0;
    const epoch = this.epoch;
    const value = await load();
    if ((this.generations.get(key) ?? 0) === generation && this.epoch === epoch && ttlMs > 0) {
      if (this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
      this.entries.set(key, { value, until: Date.now() + Math.min(ttlMs, this.maxAgeMs) });
    }
    return value;
  }

  invalidate(key: string): void {
    this.entries.delete(key);
    this.generations.set(key, (this.generations.get(key) ?? 0) + 1);
    if (this.generations.size > this.maxEntries) {
      this.generations.clear();
      this.epoch++;
    }
  }

  /** After a NATS reconnect we may have missed invalidations: forget everything. */
  clear(): void {
    this.entries.clear();
    this.generations.clear();
    this.epoch++;
  }

  get size(): number {
    return this.entries.size;
  }
}
