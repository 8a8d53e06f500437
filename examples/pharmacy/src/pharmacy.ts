// What the pharmacy does with Carevault's grant events: link a record when a person lets it add
// medication statements offline (and push the one it dispensed), forget the record when they revoke.
import { type CallResult, CarevaultError, type CarevaultClient } from './carevault';
import type { Log } from './log';
import type { PharmacyState } from './state';

export interface Rule {
  name: string;
  dataTypes: string[];
  permissions: string[];
  mode: string;
}

/** `data` of grant.created / grant.updated / grant.revoked (Carevault API.md, "Grant events"). */
export interface GrantData {
  grantId: string;
  appId: string;
  recordId: string;
  personId: string;
  rules: Rule[];
  mode: string;
  version: number;
  at: string;
}

/** A webhook body: the event as Carevault's feed has it; `id` is the `webhook-id`. */
export interface WebhookEvent {
  id: string;
  type: string;
  occurredAt: string;
  data: unknown;
}

function grantOf(data: unknown): GrantData | null {
  const g = data as Partial<GrantData> | null;
  if (typeof g !== 'object' || g === null || typeof g.recordId !== 'string' || typeof g.grantId !== 'string') return null;
  return { ...g, rules: Array.isArray(g.rules) ? g.rules : [] } as GrantData;
}

/** Whether the grant lets us add medication statements on our own (an offline `create` rule for MedicationStatement). */
export function mayPushMedications(rules: Rule[]): boolean {
  return rules.some((r) => r.mode === 'offline' && r.permissions.includes('create') && r.dataTypes.includes('MedicationStatement'));
}

export function medicationStatement(recordId: string, medication: string, at = new Date()): Record<string, unknown> {
  return {
    resourceType: 'MedicationStatement',
    status: 'active',
    medicationCodeableConcept: { text: medication },
    subject: { identifier: { system: 'urn:carevault:record', value: recordId } },
    effectiveDateTime: at.toISOString(),
    dateAsserted: at.toISOString(),
    note: [{ text: 'Dispensed by the pharmacy and added to your record by it.' }],
  };
}

export class Pharmacy {
  constructor(
    private readonly carevault: CarevaultClient,
    private readonly state: PharmacyState,
    private readonly log: Log,
    private readonly medication: string,
  ) {}

  /** Handles one verified event; throws when Carevault should deliver it again (Carevault itself unavailable). */
  async handle(event: WebhookEvent): Promise<void> {
    switch (event.type) {
      case 'grant.created':
      case 'grant.updated':
        return this.granted(event);
      case 'grant.revoked':
        return this.revoked(event);
      default:
        this.log.info('event ignored', { webhookId: event.id, type: event.type });
    }
  }

  /** Adds a MedicationStatement to the record with the application token (offline). 404: the grant is gone. */
  async dispense(recordId: string, medication = this.medication): Promise<CallResult> {
    const res = await this.carevault.addItem(recordId, medicationStatement(recordId, medication));
    if (res.status === 201) {
      const created = res.body?.created as { mode?: string } | undefined;
      this.log.info('pushed a MedicationStatement', { recordId, itemId: res.body?.id, mode: created?.mode, medication });
    } else if (res.status === 404) {
      const forgot = await this.state.forget(recordId);
      this.log.warn('offline call denied: no grant on this record (404)', { recordId, forgot });
    } else if (res.status >= 500) {
      throw new CarevaultError(`Carevault answered ${res.status}`);
    } else {
      this.log.warn('Carevault refused the MedicationStatement', { recordId, status: res.status, code: res.body?.code });
    }
    return res;
  }

  private async granted(event: WebhookEvent): Promise<void> {
    const g = grantOf(event.data);
    if (!g) return this.log.warn('grant event without grant data; ignored', { webhookId: event.id, type: event.type });
    const fields = { webhookId: event.id, type: event.type, recordId: g.recordId, grantId: g.grantId, version: g.version };
    const known = this.state.record(g.recordId);
    if (!mayPushMedications(g.rules)) {
      const forgot = await this.state.forget(g.recordId);
      return this.log.info(forgot ? 'grant no longer lets us add medications offline: record forgotten' : 'grant without an offline create rule for MedicationStatement: nothing to do', fields);
    }
    if (known) {
      await this.state.link(g.recordId, { ...known, grantId: g.grantId, personId: g.personId });
      return this.log.info('grant changed: record still linked', fields);
    }
    this.log.info('new grant lets us add medications offline: pushing what we dispensed', fields);
    // Push first, link after: when Carevault is away this throws, nothing is remembered, and the redelivery pushes.
    const pushed = await this.dispense(g.recordId);
    if (pushed.status === 404) return;
    await this.state.link(g.recordId, { grantId: g.grantId, personId: g.personId, linkedAt: new Date().toISOString() });
    this.log.info('record linked', fields);
  }

  private async revoked(event: WebhookEvent): Promise<void> {
    const g = grantOf(event.data);
    if (!g) return this.log.warn('grant event without grant data; ignored', { webhookId: event.id, type: event.type });
    const fields = { webhookId: event.id, type: event.type, recordId: g.recordId, grantId: g.grantId };
    const known = this.state.record(g.recordId);
    // A revocation of an older grant on the record does not end the newer one.
    if (known && known.grantId !== g.grantId) return this.log.info('revocation of an earlier grant: ignored', fields);
    const forgot = await this.state.forget(g.recordId);
    this.log.info(forgot ? 'grant revoked: record forgotten' : 'grant revoked on a record we did not hold', fields);
  }
}
