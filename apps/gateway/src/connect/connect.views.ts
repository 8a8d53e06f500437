import { type FormError, csrfInput, errorSummary, textField } from '../web/forms';
import { type SafeHtml, html } from '../web/html';
import { layout } from '../web/layout';

/** Field names of the /connect forms (API.md, person pages). */
export const CONNECT_FIELDS = { code: 'code', answer: 'answer' } as const;

/** One message for every code that cannot be picked up: unknown, expired, locked, deleted or mistyped. */
export const BAD_CODE = 'This code is not valid. Check it and try again.';
export const RATE_LIMITED = 'Too many tries; wait a few minutes and try again.';
export const PICKUP_EXPIRED = 'This pickup has expired. Enter the code again.';

const message = (text: string, field?: string): FormError => ({ message: text, details: [], fields: field ? [field] : [] });

interface PageBase {
  csrf: string;
  person: { name: string };
}

function page(o: PageBase, title: string, body: SafeHtml): SafeHtml {
  return layout({ title, body, signedIn: { name: o.person.name, csrf: o.csrf } });
}

export function codePage(o: PageBase & { code: string; error?: string }): SafeHtml {
  const error = o.error ? message(o.error, CONNECT_FIELDS.code) : undefined;
  return page(
    o,
    'Connect with a pickup code',
    html`${errorSummary(error)}
<p>An organisation that cares for you (a clinic, a pharmacy, a lab) gave you a pickup code so that its application can connect to one of your health records.</p>
<form method="post" action="/connect" class="stack" novalidate>
  ${csrfInput(o.csrf)}
  ${textField({ name: CONNECT_FIELDS.code, label: 'Pickup code', value: o.code, autocomplete: 'off', required: true, hint: 'For example ABCD-EFGH-JKMN-PQRS-TUVW. Capitals and dashes do not matter.', error })}
  <button type="submit">Continue</button>
</form>`,
  );
}

export function questionPage(o: PageBase & { appName: string; question: string; error?: FormError }): SafeHtml {
  return page(
    o,
    'Answer the question',
    html`${errorSummary(o.error)}
<p><strong>${o.appName}</strong> asks you a question to make sure the code is yours.</p>
<form method="post" action="/connect" class="stack" novalidate>
  ${csrfInput(o.csrf)}
  ${textField({ name: CONNECT_FIELDS.answer, label: o.question, autocomplete: 'off', required: true, hint: 'Capitals and extra spaces do not matter.', error: o.error })}
  <button type="submit">Continue</button>
</form>`,
  );
}

/** The friendly name the application gave the request, shown on the consent page once the answer was right. */
export function pickupContext(friendlyName: string): SafeHtml {
  return html`<p>Connect request: <strong class="friendly-name">${friendlyName}</strong></p>`;
}

export function lockedPage(o: PageBase & { appName: string }): SafeHtml {
  return page(
    o,
    'This code can no longer be used',
    html`<div class="error-summary" role="alert"><p>This pickup code can no longer be used; ask ${o.appName} for a new one.</p></div>
<p>The question was answered wrongly too many times. Nothing was shared.</p>
<p><a href="/records">Back to your records</a></p>`,
  );
}

export function connectedPage(o: PageBase & { appName: string; recordName: string }): SafeHtml {
  return page(
    o,
    'Connected',
    html`<p role="status"><strong>${o.appName}</strong> is now connected to ${o.recordName}'s record.</p>
<p>You can see what it may do, and take it back at any time, on <a href="/apps">your connected applications</a> page.</p>`,
  );
}

export function deniedPage(o: PageBase): SafeHtml {
  return page(o, 'Nothing was shared', html`<p>You did not allow the application. Nothing was shared.</p><p><a href="/records">Back to your records</a></p>`);
}

export function failedPage(o: PageBase & { appName: string }): SafeHtml {
  return page(
    o,
    'The connection could not be finished',
    html`<div class="error-summary" role="alert"><p>The connection to ${o.appName} could not be finished, so nothing was shared.</p></div>
<p>The pickup code may have been withdrawn or the pickup took too long. <a href="/connect">Enter the code again</a>, or ask ${o.appName} for a new one.</p>`,
  );
}
