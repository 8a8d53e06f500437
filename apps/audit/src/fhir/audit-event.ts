import type { AuditEntryView } from '@carevault/contracts';
import type { AuditEvent, AuditEventAgent, AuditEventEntity, Bundle, Coding } from '@medplum/fhirtypes';

const EVENT_TYPE = 'http://terminology.hl7.org/CodeSystem/audit-event-type';
const DCM = 'http://dicom.nema.org/resources/ontology/DCM';
const REST = 'http://hl7.org/fhir/restful-interaction';
const ENTITY_TYPE = 'http://terminology.hl7.org/CodeSystem/audit-entity-type';
const OBJECT_ROLE = 'http://terminology.hl7.org/CodeSystem/object-role';
/** Carevault's own identifiers and codes (URNs: no resolvable web address is promised). */
export const CAREVAULT = {
  action: 'urn:carevault:audit-action',
  application: 'urn:carevault:application',
  deviceInstance: 'urn:carevault:device-instance',
  person: 'urn:carevault:person',
  record: 'urn:carevault:record',
  correlationId: 'urn:carevault:extension:correlation-id',
} as const;

const dcm = (code: string, display: string): Coding => ({ system: DCM, code, display });
const DCM_CODES = {
  auditLogUsed: dcm('110101', 'Audit Log Used'),
  securityAlert: dcm('110113', 'Security Alert'),
  userAuthentication: dcm('110114', 'User Authentication'),
  login: dcm('110122', 'Login'),
  logout: dcm('110123', 'Logout'),
  securityConfiguration: dcm('110129', 'Security Configuration'),
  objectSecurityAttributesChanged: dcm('110135', 'Object Security Attributes Changed'),
};

/** The FHIR audit event type (and DICOM subtype) of a recorded entry, by category and action. */
function recordedType(e: AuditEntryView): { type: Coding; subtype: Coding[] } {
  const own: Coding = { system: CAREVAULT.action, code: e.action };
  switch (e.category) {
    case 'auth': {
      const sub = e.action === 'sign-out' ? [DCM_CODES.logout] : e.action.startsWith('sign-in') ? [DCM_CODES.login] : [];
      return { type: DCM_CODES.userAuthentication, subtype: [...sub, own] };
    }
    case 'token':
      return { type: DCM_CODES.userAuthentication, subtype: [own] };
    case 'audit-read':
      return { type: DCM_CODES.auditLogUsed, subtype: [own] };
    case 'operator':
      return { type: DCM_CODES.securityAlert, subtype: [DCM_CODES.securityConfiguration, own] };
    default: // grant, connect, device: who may act on the record changed
      return { type: DCM_CODES.securityAlert, subtype: [DCM_CODES.objectSecurityAttributesChanged, own] };
  }
}

const REST_ACTION: Record<string, AuditEvent['action']> = { create: 'C', read: 'R', update: 'U', delete: 'D', 'search-type': 'E' };

function recordedAction(action: string): AuditEvent['action'] {
  if (action === 'audit-queried') return 'R';
  if (/-(created|registered|issued|authorized)$/.test(action)) return 'C';
  if (/-(updated|replaced|rotated)$/.test(action)) return 'U';
  if (/-revoked$/.test(action)) return 'D';
  return 'E';
}

function agents(e: AuditEntryView, appNames: ReadonlyMap<string, string>): AuditEventAgent[] {
  const operator = e.details?.actor === 'operator';
  // Who started it: the operator; else the person when they were there (online, or a platform action); else the application.
  const personLeads = !operator && !!e.personId && (e.kind === 'recorded' || e.mode === 'online');
  const network = e.clientAddress ? { network: { address: e.clientAddress, type: '2' as const } } : {};
  const out: AuditEventAgent[] = [];
  if (operator) out.push({ who: { display: 'Carevault operator' }, requestor: true, ...network });
  if (e.personId) out.push({ who: { identifier: { system: CAREVAULT.person, value: e.personId } }, requestor: personLeads, ...(personLeads ? network : {}) });
  if (e.appId) {
    const appLeads = !operator && !personLeads;
    const name = appNames.get(e.appId);
    out.push({ who: { identifier: { system: CAREVAULT.application, value: e.appId }, ...(name ? { display: name } : {}) }, requestor: appLeads, ...(appLeads ? network : {}) });
  }
  if (e.instanceId) out.push({ who: { identifier: { system: CAREVAULT.deviceInstance, value: e.instanceId }, display: 'device instance' }, requestor: false });
  if (out.length === 0) out.push({ who: { display: 'Carevault' }, requestor: false });
  return out;
}

function entities(e: AuditEntryView): AuditEventEntity[] {
  const out: AuditEventEntity[] = [];
  const detail = Object.entries(e.details ?? {})
    .filter(([k]) => k !== 'actor')
    .map(([type, valueString]) => ({ type, valueString }));
  if (e.recordId) {
    out.push({
      what: { identifier: { system: CAREVAULT.record, value: e.recordId } },
      type: { system: ENTITY_TYPE, code: '1', display: 'Person' },
      role: { system: OBJECT_ROLE, code: '1', display: 'Patient' },
      ...(detail.length ? { detail } : {}),
    });
  } else if (detail.length) {
    out.push({ type: { system: ENTITY_TYPE, code: '2', display: 'System Object' }, detail });
  }
  const types = e.dataType ? e.dataType.split(',') : [];
  if (e.kind === 'data-access' && (e.itemId || types.length)) {
    const itemDetail = [
      ...(types.length ? [{ type: 'dataTypes', valueString: types.join(',') }] : []),
      ...(e.itemCount !== null ? [{ type: 'itemCount', valueString: String(e.itemCount) }] : []),
    ];
    out.push({
      ...(e.itemId ? { what: types.length === 1 ? { reference: `${types[0]}/${e.itemId}` } : { identifier: { value: e.itemId } } } : {}),
      type: { system: ENTITY_TYPE, code: '2', display: 'System Object' },
      role: { system: OBJECT_ROLE, code: '4', display: 'Domain Resource' },
      ...(itemDetail.length ? { detail: itemDetail } : {}),
    });
  }
  return out;
}

/** One audit entry as a FHIR R4 AuditEvent. Outcome: 0 when allowed/succeeded, 4 (minor failure) when denied or failed. */
export function toAuditEvent(e: AuditEntryView, appNames: ReadonlyMap<string, string>): AuditEvent {
  const rest = e.permission === 'read' && !e.itemId ? 'search-type' : (e.permission ?? 'read');
  const kind =
    e.kind === 'data-access'
      ? { type: { system: EVENT_TYPE, code: 'rest', display: 'RESTful Operation' }, subtype: [{ system: REST, code: rest }], action: REST_ACTION[rest] ?? 'E' }
      : { ...recordedType(e), action: recordedAction(e.action) };
  const ok = e.outcome === 'allowed' || e.outcome === 'success';
  const event: AuditEvent = {
    resourceType: 'AuditEvent',
    id: e.eventId,
    ...(e.correlationId ? { extension: [{ url: CAREVAULT.correlationId, valueString: e.correlationId }] } : {}),
    ...kind,
    period: { start: e.occurredAt, end: e.occurredAt },
    recorded: e.recordedAt,
    outcome: ok ? '0' : '4',
    outcomeDesc: e.reason ? `${e.outcome}: ${e.reason}` : e.outcome,
    agent: agents(e, appNames),
    source: {
      site: 'Carevault',
      observer: { display: 'Carevault audit service' },
      type: [{ system: 'http://terminology.hl7.org/CodeSystem/security-source-type', code: '4', display: 'Application Server' }],
    },
  };
  const entity = entities(e);
  return entity.length ? { ...event, entity } : event;
}

/** Entries as a FHIR R4 `collection` Bundle. */
export function toBundle(entries: AuditEntryView[], appNames: ReadonlyMap<string, string>, now = new Date()): Bundle<AuditEvent> {
  return {
    resourceType: 'Bundle',
    type: 'collection',
    timestamp: now.toISOString(),
    entry: entries.map((e) => ({ fullUrl: `urn:uuid:${e.eventId}`, resource: toAuditEvent(e, appNames) })),
  };
}
