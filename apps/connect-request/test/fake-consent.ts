import { AccessMode, ConsentCmd, ErrorCode, type GrantView } from '@carevault/contracts';
import type { NatsConnection, Subscription } from '@nats-io/transport-node';
import { randomUUID } from 'node:crypto';

/**
 * Answers `consent.cmd.get-grant.v1` on the test's NATS in NestJS' wire format
 * (`{pattern,data,id}` → `{response,isDisposed,id}` or `{err,isDisposed,id}`) for grants a test made.
 */
export class FakeConsent {
  readonly grants = new Map<string, GrantView>();
  private readonly sub: Subscription;

  constructor(nc: NatsConnection) {
    this.sub = nc.subscribe(ConsentCmd.GetGrant, {
      callback: (_err, msg) => {
        const { data, id } = msg.json<{ data: { grantId: string }; id: string }>();
        const grant = this.grants.get(data.grantId);
        const reply = grant ? { response: grant, isDisposed: true, id } : { err: { code: ErrorCode.NOT_FOUND, message: 'no such grant' }, isDisposed: true, id };
        msg.respond(JSON.stringify(reply));
      },
    });
  }

  /** What consent UpsertGrant (source 'connect') would have made. */
  grant(appId: string, recordId: string, personId: string, state: GrantView['state'] = 'active'): GrantView {
    const now = new Date().toISOString();
    const g: GrantView = {
      grantId: randomUUID(),
      appId,
      recordId,
      personId,
      rules: [],
      ruleSetVersion: 1,
      version: 1,
      state,
      source: 'connect',
      modes: [AccessMode.Offline],
      createdAt: now,
      updatedAt: now,
      revokedAt: null,
    };
    this.grants.set(g.grantId, g);
    return g;
  }

  close(): void {
    this.sub.unsubscribe();
  }
}
