import type { RecordView, Rule } from '@carevault/contracts';
import { type DeviceInstanceItem, deviceInstanceList } from '../device/device-pages';
import { dataTypeInWords, modeInWords, permissionsInWords } from '../oauth/consent-rules';
import { RELATIONSHIP_OPTIONS } from '../persons/views';
import { type FormError, csrfInput, errorSummary } from '../web/forms';
import { type SafeHtml, html } from '../web/html';
import { layout } from '../web/layout';

export const REVOKE_FIELDS = { grant: 'grant_id' } as const;

/** One application with an active grant on the record. */
export interface ConnectedApp {
  grantId: string;
  appName: string;
  rules: Rule[];
  /** When the grant was made, and when it last changed (null when it never did). */
  since: string;
  changed: string | null;
  /** Whether this person authorized it (else another custodian of the record did). */
  byYou: boolean;
}

export interface RecordConnections {
  record: RecordView;
  applications: ConnectedApp[];
  /** Device instances (SODA) on the record, each disconnected on its own. */
  devices: DeviceInstanceItem[];
}

export interface AppsPageInput {
  csrf: string;
  person: { name: string };
  records: RecordConnections[];
  flash?: string;
  error?: FormError;
}

/** "Sam's record". */
export function recordTitle(name: string): string {
  return `${name}'s record`;
}

export function dateInWords(iso: string): string {
  return new Date(iso).toLocaleDateString('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });
}

const when = (iso: string) => html`<time datetime="${iso}">${dateInWords(iso)}</time>`;

function ruleLine(rule: Rule): SafeHtml {
  const mode = modeInWords(rule.mode);
  return html`<li><strong>${rule.name}</strong>: may ${permissionsInWords(rule.permissions)} ${rule.dataTypes.map(dataTypeInWords).join(', ')}.
  <span class="hint">${mode.label}: ${mode.detail}.</span></li>`;
}

function application(app: ConnectedApp, record: RecordView, csrf: string): SafeHtml {
  return html`<article>
  <h3>${app.appName}</h3>
  <p class="muted">Authorized by ${app.byYou ? 'you' : 'another custodian of this record'} since ${when(app.since)}${
    app.changed ? html`, changed on ${when(app.changed)}` : ''
  }.</p>
  <ul>${app.rules.map(ruleLine)}</ul>
  <form method="post" action="/apps/revoke" class="inline">
    ${csrfInput(csrf)}
    <input type="hidden" name="${REVOKE_FIELDS.grant}" value="${app.grantId}">
    <button type="submit" aria-label="${`Revoke ${app.appName}'s access to ${recordTitle(record.name)}`}">Revoke</button>
  </form>
</article>`;
}

function recordSection(c: RecordConnections, csrf: string): SafeHtml {
  const relationship = RELATIONSHIP_OPTIONS.find((o) => o.value === c.record.relationship)?.label ?? c.record.relationship;
  const headingId = `record-${c.record.id}`;
  return html`<section aria-labelledby="${headingId}">
  <h2 id="${headingId}">${recordTitle(c.record.name)} <span class="muted">(${relationship})</span></h2>
  ${
    c.applications.length
      ? c.applications.map((a) => application(a, c.record, csrf))
      : html`<p class="muted">No application can use this record.</p>`
  }
  ${deviceInstanceList(c.devices, csrf)}
</section>`;
}

/** /apps: per record, the applications and device instances that may use it, each with its own Revoke/Disconnect button. */
export function appsPage(o: AppsPageInput): SafeHtml {
  return layout({
    title: 'Connected applications',
    signedIn: { name: o.person.name, csrf: o.csrf },
    body: html`${o.flash ? html`<p role="status"><strong>${o.flash}</strong></p>` : ''}${errorSummary(o.error)}
<p>These applications may use your records because you or another custodian authorized them. When you revoke one, its very next request is refused.</p>
${o.records.length ? o.records.map((c) => recordSection(c, o.csrf)) : html`<p class="muted">You hold no records yet.</p>`}
<p><a href="/records">Your records</a></p>`,
  });
}
