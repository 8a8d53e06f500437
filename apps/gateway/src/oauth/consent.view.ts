import type { ApplicationView, RecordView, Rule } from '@carevault/contracts';
import { type FormError, csrfInput, errorSummary, hiddenInput } from '../web/forms';
import { type SafeHtml, html } from '../web/html';
import { layout } from '../web/layout';
import { RELATIONSHIP_OPTIONS } from '../persons/views';
import { dataTypeInWords, modeInWords, permissionsInWords } from './consent-rules';

export const CONSENT_FIELDS = { request: 'request', record: 'record_id', optional: 'optional_rules', decision: 'decision' } as const;

export interface ConsentPageInput {
  csrf: string;
  action: string;
  /** The OAuth interaction uid, posted back as `request` (Patient Connect keeps its pickup in a cookie instead). */
  request?: string;
  /** Shown under the application's name, e.g. the connect request's friendly name. */
  context?: SafeHtml;
  person: { name: string };
  app: ApplicationView;
  records: RecordView[];
  selectedRecordId: string | null;
  checkedOptional: string[];
  /** The person authorized this application on the selected record before, on an older rule set. */
  reauthorization: boolean;
  error?: FormError;
}

function ruleDetails(rule: Rule): SafeHtml {
  const mode = modeInWords(rule.mode);
  return html`<p class="hint">${rule.reason}</p>
<p class="hint">It may ${permissionsInWords(rule.permissions)}: ${rule.dataTypes.map(dataTypeInWords).join(', ')}.</p>
<p class="hint"><strong>${mode.label}</strong> — ${mode.detail}.</p>`;
}

function recordPicker(o: ConsentPageInput): SafeHtml {
  return html`<fieldset class="field">
  <legend><strong>Which record may it use?</strong></legend>
  ${o.records.map(
    (r) => html`<div><input type="radio" id="record-${r.id}" name="${CONSENT_FIELDS.record}" value="${r.id}"${
      r.id === o.selectedRecordId ? html` checked` : ''
    } required> <label for="record-${r.id}">${r.name}</label> <span class="muted">(${RELATIONSHIP_OPTIONS.find((o) => o.value === r.relationship)?.label ?? r.relationship})</span></div>`,
  )}
</fieldset>`;
}

/** The consent page: the application, a record picker, the required rules as one block, each optional rule on its own. */
export function consentPage(o: ConsentPageInput): SafeHtml {
  const required = o.app.rules.filter((r) => r.required);
  const optional = o.app.rules.filter((r) => !r.required);
  const body = html`${errorSummary(o.error)}
<p><strong>${o.app.name}</strong> asks for access to one of your health records.</p>
${o.app.description ? html`<p class="muted">${o.app.description}</p>` : ''}
${o.context ?? ''}
${o.reauthorization ? html`<p>You authorized ${o.app.name} on this record before. It now asks for more, so it needs your decision again.</p>` : ''}
<form method="post" action="${o.action}" class="stack">
  ${csrfInput(o.csrf)}
  ${hiddenInput(CONSENT_FIELDS.request, o.request)}
  ${recordPicker(o)}
  ${
    required.length
      ? html`<section aria-labelledby="required-rules">
  <h2 id="required-rules">What ${o.app.name} needs</h2>
  <p>You allow all of these or none.</p>
  <ul>${required.map((r) => html`<li><strong>${r.name}</strong>${ruleDetails(r)}</li>`)}</ul>
</section>`
      : ''
  }
  ${
    optional.length
      ? html`<fieldset class="field">
  <legend><h2>What you may also allow</h2></legend>
  ${optional.map(
    (r, i) => html`<div><input type="checkbox" id="optional-${i}" name="${CONSENT_FIELDS.optional}" value="${r.name}"${
      o.checkedOptional.includes(r.name) ? html` checked` : ''
    }> <label for="optional-${i}">${r.name}</label>${ruleDetails(r)}</div>`,
  )}
</fieldset>`
      : ''
  }
  <p>You can take this back at any time on your connected applications page.</p>
  <div>
    <button type="submit" name="${CONSENT_FIELDS.decision}" value="approve">Allow</button>
    <button type="submit" name="${CONSENT_FIELDS.decision}" value="deny" class="link" formnovalidate>Deny</button>
  </div>
</form>`;
  return layout({ title: `Allow ${o.app.name}?`, body, signedIn: { name: o.person.name, csrf: o.csrf } });
}
