import { ErrorCode, IdentityCmd } from '@carevault/contracts';
import type { NatsConnection, Subscription } from '@nats-io/transport-node';

/**
 * Answers identity's `is-custodian` and `get-application` on the test's NATS in NestJS' wire format
 * (`{pattern,data,id}` → `{response,isDisposed,id}` or `{err,isDisposed,id}`).
 */
export class FakeIdentity {
  /** appId → name */
  readonly apps = new Map<string, string>();
  /** `${personId}:${recordId}` */
  readonly custodians = new Set<string>();
  applicationRequests = 0;
  private readonly subs: Subscription[];

  constructor(nc: NatsConnection) {
    const answer = (subject: string, fn: (data: Record<string, string>) => unknown) =>
      nc.subscribe(subject, {
        callback: (_err, msg) => {
          const { data, id } = msg.json<{ data: Record<string, string>; id: string }>();
          try {
            msg.respond(JSON.stringify({ response: fn(data), isDisposed: true, id }));
          } catch (err) {
            msg.respond(JSON.stringify({ err: { code: ErrorCode.NOT_FOUND, message: (err as Error).message }, isDisposed: true, id }));
          }
        },
      });
    this.subs = [
      answer(IdentityCmd.IsCustodian, (d) => ({ isCustodian: this.custodians.has(`${d.personId}:${d.recordId}`) })),
      answer(IdentityCmd.GetApplication, (d) => {
        this.applicationRequests++;
        const name = this.apps.get(d.appId!);
        if (!name) throw new Error('no such application');
        return { appId: d.appId, name };
      }),
    ];
  }

  close(): void {
    for (const s of this.subs) s.unsubscribe();
  }
}
