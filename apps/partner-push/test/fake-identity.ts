import { ErrorCode, type GetWebhookConfigResponse, IdentityCmd } from '@carevault/contracts';
import type { NatsConnection, Subscription } from '@nats-io/transport-node';
import { randomBytes } from 'node:crypto';

/**
 * Answers `identity.cmd.get-webhook-config.v1` on the test's NATS in NestJS' wire format
 * (`{pattern,data,id}` → `{response,isDisposed,id}` or `{err,isDisposed,id}`), for the applications
 * a test registered.
 */
export class FakeIdentity {
  readonly apps = new Map<string, GetWebhookConfigResponse>();
  requests = 0;
  private readonly sub: Subscription;

  constructor(nc: NatsConnection) {
    this.sub = nc.subscribe(IdentityCmd.GetWebhookConfig, {
      callback: (_err, msg) => {
        this.requests++;
        const { data, id } = msg.json<{ data: { appId: string }; id: string }>();
        const app = this.apps.get(data.appId);
        const reply = app
          ? { response: app, isDisposed: true, id }
          : { err: { code: ErrorCode.NOT_FOUND, message: 'no such application' }, isDisposed: true, id };
        msg.respond(JSON.stringify(reply));
      },
    });
  }

  /** Registers an application with a webhook URL (or none) and a fresh `whsec_` secret. */
  register(appId: string, webhookUrl: string | null): string {
    const secret = `whsec_${randomBytes(32).toString('base64')}`;
    this.apps.set(appId, { appId, webhookUrl, webhookSecret: webhookUrl ? secret : null });
    return secret;
  }

  close(): void {
    this.sub.unsubscribe();
  }
}
