import { Batcher } from './batcher';

interface Pending {
  batch: number[];
  resolve(r: string[]): void;
  reject(e: unknown): void;
}

/** An execute() whose batches stay pending until the test settles them. */
function controlled() {
  const pending: Pending[] = [];
  const execute = (batch: number[]) => new Promise<string[]>((resolve, reject) => pending.push({ batch, resolve, reject }));
  return { pending, execute };
}

const flush = () => new Promise((r) => setImmediate(r));
const answer = (p: Pending) => p.resolve(p.batch.map((n) => `r${n}`));

describe(Batcher.name, () => {
  it('runs a request at once while a slot is free: no waiting at low load', async () => {
    const { pending, execute } = controlled();
    const sut = new Batcher(execute, { maxInFlight: 2, maxBatch: 10 });
    const a = sut.run(1);
    expect(pending.map((p) => p.batch)).toEqual([[1]]);
    answer(pending[0]!);
    await expect(a).resolves.toBe('r1');
  });

  it('queues while every slot is busy and runs what queued as one batch, in order, each with its own answer', async () => {
    const { pending, execute } = controlled();
    const sut = new Batcher(execute, { maxInFlight: 2, maxBatch: 3 });
    const results = [1, 2, 3, 4, 5, 6, 7].map((n) => sut.run(n));
    expect(pending.map((p) => p.batch)).toEqual([[1], [2]]);
    answer(pending[0]!);
    await flush();
    expect(pending.map((p) => p.batch)).toEqual([[1], [2], [3, 4, 5]]);
    answer(pending[1]!);
    await flush();
    expect(pending.map((p) => p.batch)).toEqual([[1], [2], [3, 4, 5], [6, 7]]);
    answer(pending[2]!);
    answer(pending[3]!);
    await expect(Promise.all(results)).resolves.toEqual(['r1', 'r2', 'r3', 'r4', 'r5', 'r6', 'r7']);
    expect(sut.stats).toEqual({ batches: 4, requests: 7 });
  });

  it('when a batch fails, runs each request alone so that only the bad one fails', async () => {
    const calls: number[][] = [];
    const sut = new Batcher(
      async (batch: number[]) => {
        calls.push(batch);
        if (batch.includes(13)) throw new Error('bad request 13');
        return batch.map((n) => `r${n}`);
      },
      { maxInFlight: 1, maxBatch: 10 },
    );
    const first = sut.run(1); // takes the only slot
    const rest = [12, 13, 14].map((n) => sut.run(n));
    await first;
    const settled = await Promise.allSettled(rest);
    expect(settled.map((s) => (s.status === 'fulfilled' ? s.value : (s.reason as Error).message))).toEqual(['r12', 'bad request 13', 'r14']);
    expect(calls).toEqual([[1], [12, 13, 14], [12], [13], [14]]);
  });

  it('a batch that answers the wrong number of results fails rather than answering the wrong request', async () => {
    const sut = new Batcher(async (batch: number[]) => batch.slice(1).map(String), { maxInFlight: 1, maxBatch: 10 });
    await expect(sut.run(1)).rejects.toThrow('a batch of 1 answered 0 results');
  });

  it('keeps going after failures: the slot is freed', async () => {
    let fail = true;
    const sut = new Batcher(
      async (batch: number[]) => {
        if (fail) throw new Error('database down');
        return batch.map(String);
      },
      { maxInFlight: 1, maxBatch: 10 },
    );
    await expect(sut.run(1)).rejects.toThrow('database down');
    fail = false;
    await expect(sut.run(2)).resolves.toBe('2');
  });
});
