import { RELATIONSHIPS, type RecordView, type Relationship } from '@carevault/contracts';
import { type FormError, csrfInput, errorSummary, hiddenInput, selectField, textField } from '../web/forms';
import { type SafeHtml, html } from '../web/html';
import { layout } from '../web/layout';
import { DEFAULT_NEXT } from '../web/next-url';

export interface SignUpValues {
  email: string;
  name: string;
  next: string;
}

function withNext(path: string, next: string): string {
  return next === DEFAULT_NEXT ? path : `${path}?next=${encodeURIComponent(next)}`;
}

export function signUpPage(o: { csrf: string; values: SignUpValues; error?: FormError }): SafeHtml {
  const { values, error } = o;
  return layout({
    title: 'Create your account',
    body: html`${errorSummary(error)}
<form method="post" action="/signup" class="stack" novalidate>
  ${csrfInput(o.csrf)}${hiddenInput('next', values.next === DEFAULT_NEXT ? undefined : values.next)}
  ${textField({ name: 'name', label: 'Your name', value: values.name, autocomplete: 'name', required: true, error })}
  ${textField({ name: 'email', label: 'Email address', type: 'email', value: values.email, autocomplete: 'email', required: true, error })}
  ${textField({ name: 'password', label: 'Password', type: 'password', autocomplete: 'new-password', required: true, hint: 'At least 10 characters.', error })}
  <button type="submit">Create account</button>
</form>
<p>Already have an account? <a href="${withNext('/signin', values.next)}">Sign in</a>.</p>`,
  });
}

export function signInPage(o: { csrf: string; values: { email: string; next: string }; error?: FormError }): SafeHtml {
  const { values, error } = o;
  return layout({
    title: 'Sign in',
    body: html`${errorSummary(error)}
<form method="post" action="/signin" class="stack" novalidate>
  ${csrfInput(o.csrf)}${hiddenInput('next', values.next === DEFAULT_NEXT ? undefined : values.next)}
  ${textField({ name: 'email', label: 'Email address', type: 'email', value: values.email, autocomplete: 'username', required: true, error })}
  ${textField({ name: 'password', label: 'Password', type: 'password', autocomplete: 'current-password', required: true, error })}
  <button type="submit">Sign in</button>
</form>
<p>New to Carevault? <a href="${withNext('/signup', values.next)}">Create an account</a>.</p>`,
  });
}

const RELATIONSHIP_LABELS: Record<Relationship, string> = {
  self: 'Myself',
  child: 'My child',
  parent: 'My parent',
  spouse: 'My spouse or partner',
  other: 'Someone else in my care',
};

export const RELATIONSHIP_OPTIONS = RELATIONSHIPS.map((value) => ({ value, label: RELATIONSHIP_LABELS[value] }));

export interface RecordsPageInput {
  csrf: string;
  person: { name: string };
  records: RecordView[];
  values?: { name: string; relationship: string };
  error?: FormError;
}

export function recordsPage(o: RecordsPageInput): SafeHtml {
  const values = o.values ?? { name: '', relationship: 'child' };
  const list = o.records.length
    ? html`<ul class="records">${o.records.map(
        (r) => html`<li><span>${r.name}</span><span class="muted">${RELATIONSHIP_LABELS[r.relationship] ?? r.relationship}</span>
  <a href="/records/leave?record_id=${r.id}" aria-label="Stop being a custodian of ${r.name}">Stop being a custodian</a></li>`,
      )}</ul>`
    : html`<p class="muted">You hold no records yet.</p>`;
  return layout({
    title: 'Your records',
    signedIn: { name: o.person.name, csrf: o.csrf },
    body: html`<p>The health records you keep. Applications see a record only after you authorize them on it.</p>
${list}
<p>See which applications may use your records, and revoke them, on <a href="/apps">Connected applications</a>.</p>
<h2 id="add-record">Add a record</h2>
${errorSummary(o.error)}
<form method="post" action="/records" class="stack" aria-labelledby="add-record" novalidate>
  ${csrfInput(o.csrf)}
  ${textField({ name: 'name', label: 'Whose record is it?', value: values.name, autocomplete: 'off', required: true, hint: 'For example the name of your child.', error: o.error })}
  ${selectField({ name: 'relationship', label: 'They are', value: values.relationship, required: true, options: RELATIONSHIP_OPTIONS, error: o.error })}
  <button type="submit">Add record</button>
</form>`,
  });
}
