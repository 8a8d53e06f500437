import { ConsentEvt, type EventEnvelope, type GrantEventData } from '@carevault/contracts';
import { jetstream } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { randomUUID } from 'node:crypto';

const SUBJECTS = { 'grant.created': ConsentEvt.GrantCreated, 'grant.updated': ConsentEvt.GrantUpdated, 'grant.revoked': ConsentEvt.GrantRevoked };

/** A consent grant event envelope, as consent's outbox relay publishes it. */
export function grantEvent(appId: string, type: keyof typeof SUBJECTS = 'grant.created', version = 1): { subject: string; envelope: EventEnvelope<GrantEventData> } {
  const at = new Date().toISOString();
  return {
    subject: SUBJECTS[type],
    envelope: {
      eventId: randomUUID(),
      type,
      occurredAt: at,
      correlationId: null,
      version: 1,
      data: {
        grantId: randomUUID(),
        appId,
        recordId: randomUUID(),
        personId: randomUUID(),
        rules: [],
        modes: [],
        mode: 'offline',
        version,
        state: type === 'grant.revoked' ? 'revoked' : 'active',
        source: 'web',
        at,
      },
    },
  };
}

/** Publishes to JetStream with Nats-Msg-Id = event id (or `msgId`, to get past JetStream's own de-duplication). */
export async function publish(nc: NatsConnection, e: { subject: string; envelope: EventEnvelope }, msgId = e.envelope.eventId): Promise<void> {
  await jetstream(nc).publish(e.subject, JSON.stringify(e.envelope), { msgID: msgId, timeout: 5000 });
}
