import { AuditEvt, type AuditRecordedEvent, type DataAccessedEvent, type EventEnvelope } from '@carevault/contracts';
import { jetstream } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { randomUUID } from 'node:crypto';

export interface AuditMessage {
  subject: string;
  envelope: EventEnvelope;
}

function envelope(type: string, data: object, at: string): EventEnvelope {
  return { eventId: randomUUID(), type, occurredAt: at, correlationId: randomUUID(), version: 1, data };
}

/** A record-store data-access event, as its outbox relay publishes it. */
export function dataAccessed(over: Partial<DataAccessedEvent> & { recordId: string; appId: string }): AuditMessage {
  const at = over.at ?? new Date().toISOString();
  const data: DataAccessedEvent = {
    personId: null,
    instanceId: null,
    mode: 'offline' as DataAccessedEvent['mode'],
    dataType: 'Observation',
    itemId: randomUUID(),
    permission: 'read' as DataAccessedEvent['permission'],
    outcome: 'allowed',
    reason: 'permitted',
    correlationId: null,
    clientAddress: '203.0.113.7',
    ...over,
    at,
  };
  return { subject: AuditEvt.DataAccessed, envelope: envelope('audit.data-accessed', data, at) };
}

export function recorded(data: Omit<AuditRecordedEvent, 'at'> & { at?: string }): AuditMessage {
  const at = data.at ?? new Date().toISOString();
  return { subject: AuditEvt.Recorded, envelope: envelope('audit.recorded', { ...data, at }, at) };
}

/** Publishes with Nats-Msg-Id = event id (or `msgId`, to get past JetStream's own de-duplication), up to 256 in flight. */
export async function publishAll(nc: NatsConnection, messages: AuditMessage[], msgId?: (m: AuditMessage) => string): Promise<void> {
  const js = jetstream(nc);
  for (let i = 0; i < messages.length; i += 256) {
    await Promise.all(
      messages.slice(i, i + 256).map((m) => js.publish(m.subject, JSON.stringify(m.envelope), { msgID: msgId ? msgId(m) : m.envelope.eventId, timeout: 10_000 })),
    );
  }
}
