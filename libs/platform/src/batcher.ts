export interface BatcherOptions {
  /** Batches running at once (each holds one database connection): keep it below the pool size. */
  maxInFlight: number;
  /** Requests in one batch at most. */
  maxBatch: number;
}

/**
 * Runs many small requests as few statements, adding no waiting: a request runs at once if fewer than
 * `maxInFlight` batches are running (so at low load every batch holds one request), and otherwise waits
 * for the next free slot, where everything that queued meanwhile goes together (up to `maxBatch`).
 *
 * `execute` answers one result per request, in order. If a batch of several fails, each of its requests is
 * run again on its own, so one bad request cannot fail the others; a batch of one rejects with the error.
 * A request may so run twice: give it fixed ids (a row's key, an event id) so that a second run of one whose
 * first did commit fails on them instead of writing twice.
 */
export class Batcher<Req, Res> {
  private readonly queue: { req: Req; resolve: (r: Res) => void; reject: (e: unknown) => void }[] = [];
  private inFlight = 0;
  /** Batches run so far and the requests in them (for tests and the benchmark). */
  readonly stats = { batches: 0, requests: 0 };

  constructor(
    private readonly execute: (batch: Req[]) => Promise<Res[]>,
    private readonly options: BatcherOptions,
  ) {}

  run(req: Req): Promise<Res> {
    return new Promise<Res>((resolve, reject) => {
      this.queue.push({ req, resolve, reject });
      this.pump();
    });
  }

  private pump(): void {
    while (this.inFlight < this.options.maxInFlight && this.queue.length > 0) {
      const batch = this.queue.splice(0, this.options.maxBatch);
      this.inFlight++;
      void this.runBatch(batch).finally(() => {
        this.inFlight--;
        this.pump();
      });
    }
  }

  private async runBatch(batch: typeof this.queue): Promise<void> {
    this.stats.batches++;
    this.stats.requests += batch.length;
    let results: Res[];
    try {
      results = await this.execute(batch.map((b) => b.req));
      if (results.length !== batch.length) throw new Error(`a batch of ${batch.length} answered ${results.length} results`);
    } catch (err) {
      if (batch.length === 1) {
        batch[0]!.reject(err);
        return;
      }
      // Each on its own, one after another on this slot: the failing one fails alone.
      for (const b of batch) {
        try {
          const [one] = await this.execute([b.req]);
          if (one === undefined) throw new Error('a batch of 1 answered no result');
          b.resolve(one);
        } catch (e) {
          b.reject(e);
        }
      }
      return;
    }
    batch.forEach((b, i) => b.resolve(results[i]!));
  }
}
