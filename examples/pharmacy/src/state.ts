// What the pharmacy remembers across restarts, in one small JSON file: the records it is linked to
// and the webhook ids it has handled (Carevault delivers at least once; `webhook-id` is the event id).
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

export interface LinkedRecord {
  grantId: string;
  personId: string;
  linkedAt: string;
}

interface Stored {
  records: Record<string, LinkedRecord>;
  seenWebhookIds: string[];
}

/** Enough ids to outlast Carevault's retries (a day) for a small pharmacy; older ones are dropped first. */
const MAX_SEEN = 5000;

export class PharmacyState {
  private records = new Map<string, LinkedRecord>();
  private seen = new Set<string>();
  private writing: Promise<void> = Promise.resolve();

  private constructor(private readonly file: string) {}

  static async open(file: string): Promise<PharmacyState> {
    const state = new PharmacyState(file);
    try {
      const stored = JSON.parse(await readFile(file, 'utf8')) as Partial<Stored>;
      state.records = new Map(Object.entries(stored.records ?? {}));
      state.seen = new Set(stored.seenWebhookIds ?? []);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    return state;
  }

  hasSeen(webhookId: string): boolean {
    return this.seen.has(webhookId);
  }

  markSeen(webhookId: string): Promise<void> {
    this.seen.add(webhookId);
    for (const id of this.seen) {
      if (this.seen.size <= MAX_SEEN) break;
      this.seen.delete(id);
    }
    return this.save();
  }

  record(recordId: string): LinkedRecord | undefined {
    return this.records.get(recordId);
  }

  linkedRecords(): Array<LinkedRecord & { recordId: string }> {
    return [...this.records].map(([recordId, r]) => ({ recordId, ...r }));
  }

  link(recordId: string, record: LinkedRecord): Promise<void> {
    this.records.set(recordId, record);
    return this.save();
  }

  /** Forgets the record; false when it was not linked. */
  async forget(recordId: string): Promise<boolean> {
    const had = this.records.delete(recordId);
    if (had) await this.save();
    return had;
  }

  /** Writes one at a time, each a complete file (write then rename), so a crash never leaves half a file. */
  private save(): Promise<void> {
    const snapshot: Stored = { records: Object.fromEntries(this.records), seenWebhookIds: [...this.seen] };
    const next = this.writing
      .catch(() => undefined)
      .then(async () => {
        await mkdir(dirname(this.file), { recursive: true });
        await writeFile(`${this.file}.tmp`, JSON.stringify(snapshot, null, 2));
        await rename(`${this.file}.tmp`, this.file);
      });
    this.writing = next;
    return next;
  }
}
