import { Injectable } from '@nestjs/common';
import { ErrorCode, IdentityCmd } from '@carevault/contracts';
import { RpcClient, RpcError } from '@carevault/platform';

/** How long an application's name is reused: renames are rare, and the page only shows the name. */
export const NAME_TTL_MS = 60_000;
const MAX_ENTRIES = 1000;
export const UNKNOWN_APPLICATION = 'An application that is no longer registered';

/** Application names for the person's pages, asked from identity and kept briefly (one request per app at a time). */
@Injectable()
export class ApplicationNames {
  private readonly cache = new Map<string, { name: Promise<string>; expiresAt: number }>();

  constructor(private readonly rpc: RpcClient) {}

  nameOf(appId: string, correlationId?: string): Promise<string> {
    const now = Date.now();
    const hit = this.cache.get(appId);
    if (hit && hit.expiresAt > now) return hit.name;
    if (this.cache.size >= MAX_ENTRIES) this.evictExpired(now);
    const name = this.load(appId, correlationId);
    this.cache.set(appId, { name, expiresAt: now + NAME_TTL_MS });
    // A failure is not remembered: the next page asks again.
    name.catch(() => {
      if (this.cache.get(appId)?.name === name) this.cache.delete(appId);
    });
    return name;
  }

  /** The names of several applications, asked for in parallel. */
  async namesOf(appIds: Iterable<string>, correlationId?: string): Promise<Map<string, string>> {
    const ids = [...new Set(appIds)];
    const names = await Promise.all(ids.map((id) => this.nameOf(id, correlationId)));
    return new Map(ids.map((id, i) => [id, names[i]!]));
  }

  private async load(appId: string, correlationId?: string): Promise<string> {
    try {
      return (await this.rpc.request(IdentityCmd.GetApplication, { appId }, { correlationId })).name;
    } catch (err) {
      if (err instanceof RpcError && err.code === ErrorCode.NOT_FOUND) return UNKNOWN_APPLICATION;
      throw err;
    }
  }

  private evictExpired(now: number): void {
    for (const [id, entry] of this.cache) if (entry.expiresAt <= now) this.cache.delete(id);
    if (this.cache.size >= MAX_ENTRIES) this.cache.clear();
  }
}
