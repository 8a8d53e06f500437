import type { GetRecordResponse } from '@carevault/contracts';
import { type FormError, csrfInput, errorSummary } from '../web/forms';
import { type SafeHtml, html } from '../web/html';
import { layout } from '../web/layout';
import { recordTitle } from './apps.view';

export const LEAVE_FIELDS = { record: 'record_id' } as const;

export interface LeaveRecordPageInput {
  csrf: string;
  person: { name: string };
  record: GetRecordResponse;
  /** The applications this person authorized on the record: they lose access when the person leaves. */
  appNames: string[];
  error?: FormError;
}

export const onlyCustodianMessage = (recordName: string) =>
  `You are the only custodian of ${recordTitle(recordName)}, so you cannot stop being its custodian: Carevault keeps every record in someone's care.`;

function consequences(o: LeaveRecordPageInput): SafeHtml {
  const title = recordTitle(o.record.name);
  return html`<p>You will no longer see ${title} or be able to authorize applications on it. Its other custodians keep it.</p>
${
  o.appNames.length
    ? html`<p>The applications you authorized on it lose access at once:</p><ul>${o.appNames.map((n) => html`<li>${n}</li>`)}</ul>`
    : html`<p>You have not authorized any application on it.</p>`
}`;
}

/** The confirmation before a person stops being a custodian of a record (or why they cannot). */
export function leaveRecordPage(o: LeaveRecordPageInput): SafeHtml {
  const title = recordTitle(o.record.name);
  const body =
    o.record.custodianCount <= 1
      ? html`<p>${onlyCustodianMessage(o.record.name)}</p>
<p><a href="/records">Back to your records</a></p>`
      : html`${errorSummary(o.error)}${consequences(o)}
<form method="post" action="/records/leave" class="stack">
  ${csrfInput(o.csrf)}
  <input type="hidden" name="${LEAVE_FIELDS.record}" value="${o.record.id}">
  <button type="submit">Stop being a custodian of ${title}</button>
</form>
<p><a href="/records">Cancel</a></p>`;
  return layout({ title: `Stop being a custodian of ${title}?`, signedIn: { name: o.person.name, csrf: o.csrf }, body });
}
