import { ErrorCode, IdentityCmd } from '@carevault/contracts';
import { RpcClient, RpcError } from '@carevault/platform';
import { Injectable } from '@nestjs/common';

const TTL_MS = 10 * 60_000;
const FAILURE_TTL_MS = 15_000;
const MAX = 5000;

/**
 * Application names for the activity sentences and FHIR agents, asked of identity and cached (names
 * rarely change; a stale one only shows an old name). An application identity cannot name — deleted, or
 * identity away — has no name: the caller says "an application" instead of failing the read.
 */
@Injectable()
export class AppNames {
  private readonly cache = new Map<string, { name: string | null; until: number }>();

  constructor(private readonly rpc: RpcClient) {}

  async resolve(appIds: Iterable<string | null>): Promise<Map<string, string>> {
    const ids = [...new Set([...appIds].filter((a): a is string => !!a))];
    const now = Date.now();
    await Promise.all(ids.filter((id) => !((this.cache.get(id)?.until ?? 0) > now)).map((id) => this.fetch(id)));
    const out = new Map<string, string>();
    for (const id of ids) {
      const name = this.cache.get(id)?.name;
      if (name) out.set(id, name);
    }
    return out;
  }

  private async fetch(appId: string): Promise<void> {
    let entry: { name: string | null; until: number };
    try {
      const app = await this.rpc.request(IdentityCmd.GetApplication, { appId }, { timeoutMs: 2000 });
      entry = { name: app.name, until: Date.now() + TTL_MS };
    } catch (err) {
      const gone = err instanceof RpcError && err.code === ErrorCode.NOT_FOUND;
      entry = { name: null, until: Date.now() + (gone ? TTL_MS : FAILURE_TTL_MS) };
    }
    if (this.cache.size >= MAX) this.cache.delete(this.cache.keys().next().value!);
    this.cache.set(appId, entry);
  }
}
