import { AuditEvt, type EventEnvelope, auditRecorded } from '@carevault/contracts';
import { randomUUID } from 'node:crypto';
import { InvalidAuditEvent, toEntry } from './normalize';

const RECORDED_AT = new Date('2026-11-29T10:00:01.000Z');

function envelope(data: object, eventId: string = randomUUID()): EventEnvelope {
  return { eventId, type: 'x', occurredAt: '2026-11-29T10:00:00.000Z', correlationId: 'corr-env', version: 1, data };
}

const access = () => ({
  recordId: randomUUID(),
  appId: randomUUID(),
  personId: null,
  instanceId: null,
  mode: 'offline',
  dataType: null,
  dataTypes: ['Observation', 'Condition'],
  itemId: null,
  itemCount: 7,
  permission: 'read',
  outcome: 'allowed',
  reason: 'permitted',
  at: '2026-11-29T10:00:00.123456Z',
  correlationId: null,
  clientAddress: '203.0.113.7',
});

describe(toEntry.name, () => {
  describe('a data access', () => {
    it('becomes a data-access entry, the list call keeping its data types and count', () => {
      const data = access();
      const sut = toEntry(AuditEvt.DataAccessed, envelope(data), RECORDED_AT);
      expect(sut).toMatchObject({ kind: 'data-access', category: 'data', action: 'read', permission: 'read', dataType: 'Observation,Condition', itemCount: 7, recordId: data.recordId, correlationId: 'corr-env' });
    });

    it('keeps times at millisecond precision and ids in lower case, as PostgreSQL gives them back', () => {
      const data = { ...access(), appId: '7C0E6C4A-8A4B-4B59-9F43-1C2D3E4F5A6B' };
      const sut = toEntry(AuditEvt.DataAccessed, envelope(data), RECORDED_AT);
      expect(sut.occurredAt.toISOString()).toBe('2026-11-29T10:00:00.123Z');
      expect(sut.appId).toBe('7c0e6c4a-8a4b-4b59-9f43-1c2d3e4f5a6b');
    });

    it('refuses an event that breaks the contract', () => {
      expect(() => toEntry(AuditEvt.DataAccessed, envelope({ ...access(), outcome: 'maybe' }), RECORDED_AT)).toThrow(InvalidAuditEvent);
      expect(() => toEntry(AuditEvt.DataAccessed, envelope({ ...access(), recordId: 'r1' }), RECORDED_AT)).toThrow(/recordId/);
      expect(() => toEntry(AuditEvt.DataAccessed, envelope(access(), 'not-a-uuid'), RECORDED_AT)).toThrow(/eventId/);
      expect(() => toEntry('audit.evt.something-else.v1', envelope(access()), RECORDED_AT)).toThrow(/not an audit event/);
    });
  });

  describe('a recorded action', () => {
    it('takes what auditRecorded() builds, moving a reason from the details to its column', () => {
      const personId = randomUUID();
      const event = auditRecorded('sign-in-failed', 'failure', { personId, clientAddress: '198.51.100.4', details: { reason: 'wrong-password', method: 'password' } });
      expect(event).toMatchObject({ subject: AuditEvt.Recorded, type: 'audit.recorded', data: { category: 'auth', action: 'sign-in-failed' } });
      const sut = toEntry(event.subject, envelope(event.data), RECORDED_AT);
      expect(sut).toMatchObject({ kind: 'recorded', category: 'auth', action: 'sign-in-failed', outcome: 'failure', reason: 'wrong-password', details: { method: 'password' }, recordId: null, personId });
    });

    it('refuses details that name a secret, are not strings, or an action that is not kebab-case', () => {
      const base = auditRecorded('connect-answer-wrong', 'failure', {}).data;
      for (const details of [{ answer: 'blue' }, { clientSecret: 'x' }, { pickupCode: 'ABC' }, { n: 3 }]) {
        expect(() => toEntry(AuditEvt.Recorded, envelope({ ...base, details }), RECORDED_AT)).toThrow(/details/);
      }
      expect(() => toEntry(AuditEvt.Recorded, envelope({ ...base, action: 'Sign In' }), RECORDED_AT)).toThrow(/kebab-case/);
    });

    it('takes NUL characters out, which PostgreSQL text cannot hold', () => {
      const data = auditRecorded('sign-in', 'success', { details: { agent: 'a\u0000b' } }).data;
      expect(toEntry(AuditEvt.Recorded, envelope(data), RECORDED_AT).details).toEqual({ agent: 'ab' });
    });
  });
});
