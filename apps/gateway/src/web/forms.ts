import { CSRF_FIELD } from './csrf';
import { type SafeHtml, html } from './html';

/** A form that did not go through: one plain sentence, the messages of the service, the fields they name. */
export interface FormError {
  message: string;
  details: string[];
  fields: string[];
}

export interface FieldSpec {
  name: string;
  label: string;
  type?: 'text' | 'email' | 'password';
  value?: string;
  autocomplete?: string;
  required?: boolean;
  hint?: string;
  error?: FormError;
}

export function csrfInput(token: string): SafeHtml {
  return html`<input type="hidden" name="${CSRF_FIELD}" value="${token}">`;
}

export function hiddenInput(name: string, value: string | undefined): SafeHtml {
  return value ? html`<input type="hidden" name="${name}" value="${value}">` : html``;
}

function invalid(spec: { name: string; error?: FormError }): boolean {
  return spec.error?.fields.some((f) => f === spec.name || f.startsWith(`${spec.name}.`)) ?? false;
}

export function textField(spec: FieldSpec): SafeHtml {
  const id = `f-${spec.name}`;
  const hintId = spec.hint ? `${id}-hint` : undefined;
  return html`<div class="field">
  <label for="${id}">${spec.label}</label>
  ${spec.hint ? html`<p class="hint" id="${hintId}">${spec.hint}</p>` : ''}
  <input id="${id}" name="${spec.name}" type="${spec.type ?? 'text'}" value="${spec.type === 'password' ? '' : (spec.value ?? '')}"${
    spec.autocomplete ? html` autocomplete="${spec.autocomplete}"` : ''
  }${spec.required ? html` required` : ''}${hintId ? html` aria-describedby="${hintId}"` : ''}${invalid(spec) ? html` aria-invalid="true"` : ''}>
</div>`;
}

export function selectField(spec: FieldSpec & { options: readonly { value: string; label: string }[] }): SafeHtml {
  const id = `f-${spec.name}`;
  return html`<div class="field">
  <label for="${id}">${spec.label}</label>
  <select id="${id}" name="${spec.name}"${spec.required ? html` required` : ''}${invalid(spec) ? html` aria-invalid="true"` : ''}>
    ${spec.options.map((o) => html`<option value="${o.value}"${o.value === spec.value ? html` selected` : ''}>${o.label}</option>`)}
  </select>
</div>`;
}

/** Announced by screen readers as soon as the page loads (role="alert"). */
export function errorSummary(error: FormError | undefined): SafeHtml {
  if (!error) return html``;
  return html`<div class="error-summary" role="alert">
  <p>${error.message}</p>
  ${error.details.length ? html`<ul>${error.details.map((d) => html`<li>${d}</li>`)}</ul>` : ''}
</div>`;
}
