import type { ErrorOut, KoaContextWithOIDC } from 'oidc-provider';
import { UserCodeRateLimited } from '../device/device-flow';
import { instanceNameOf } from '../device/instance-name';
import { tooManyTriesPage } from '../device/device-pages';
import { html, type SafeHtml } from '../web/html';
import { layout } from '../web/layout';

/** Pages oidc-provider renders itself (device code entry and confirmation, its error page) in our layout. */

const CSP = "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

function send(ctx: KoaContextWithOIDC, page: SafeHtml): void {
  ctx.type = 'html';
  ctx.set('cache-control', 'no-store');
  ctx.set('content-security-policy', CSP);
  ctx.set('x-frame-options', 'DENY');
  ctx.body = page.value;
}

/** oidc-provider's form carries its own anti-forgery token (`xsrf`, bound to its cookie): we keep it and restyle the rest. */
function formParts(form: string): { action: string; xsrf: string } | null {
  const action = /action="([^"]*)"/.exec(form)?.[1];
  const xsrf = /name="xsrf" value="([^"]*)"/.exec(form)?.[1];
  return action !== undefined && xsrf !== undefined ? { action: action.replace(/&amp;/g, '&'), xsrf } : null;
}

export async function userCodeInputSource(ctx: KoaContextWithOIDC, form: string, _out?: ErrorOut, err?: Error & { userCode?: string }): Promise<void> {
  if (err instanceof UserCodeRateLimited) return send(ctx, tooManyTriesPage());
  // Deny on the consent page, or "this is not my device" on the confirmation (oidc-provider's AbortedError).
  const denied = err?.name === 'AbortedError';
  const parts = formParts(form);
  const wrong = err !== undefined && (err.userCode !== undefined || err.name === 'NoCodeError' || err.name === 'InvalidUserCode');
  const value = typeof ctx.oidc.params?.user_code === 'string' ? ctx.oidc.params.user_code : '';
  const body = parts
    ? html`${wrong ? html`<div class="error-summary" role="alert"><p>That code is not right, or it has expired. Check the code on your device and try again.</p></div>` : ''}
${denied ? html`<p role="status"><strong>You did not allow the device. It cannot use your records.</strong></p>` : ''}
<p>Enter the code your device shows to connect it to your Carevault records.</p>
<form method="post" action="${parts.action}" class="stack" novalidate>
  <input type="hidden" name="xsrf" value="${parts.xsrf}">
  <div class="field">
    <label for="f-user_code">Code from your device</label>
    <input id="f-user_code" name="user_code" type="text" value="${value}" autocomplete="off" autocapitalize="characters" spellcheck="false" required${wrong ? html` aria-invalid="true"` : ''}>
  </div>
  <button type="submit">Continue</button>
</form>`
    : html`<p>This page cannot be shown right now. Please try again.</p>`;
  send(ctx, layout({ title: 'Connect a device', body }));
}

export async function userCodeConfirmSource(ctx: KoaContextWithOIDC, form: string, client: { clientName?: string; clientId: string }, _deviceInfo: unknown, userCode: string): Promise<void> {
  const parts = formParts(form);
  const name = client.clientName ?? client.clientId;
  const instance = instanceNameOf(ctx.oidc.entities.DeviceCode?.params ?? {});
  const body = parts
    ? html`<p><strong>${name}</strong> asks to connect with the code <strong class="code">${userCode}</strong>.</p>
${instance ? html`<p>The device calls itself <strong>${instance}</strong>.</p>` : ''}
<p>Continue only if your device shows this same code. Next you choose which record it may use and what it may do.</p>
<form method="post" action="${parts.action}" class="stack">
  <input type="hidden" name="xsrf" value="${parts.xsrf}">
  <input type="hidden" name="user_code" value="${userCode}">
  <input type="hidden" name="confirm" value="yes">
  <button type="submit">Continue</button>
</form>
<form method="post" action="${parts.action}" class="inline">
  <input type="hidden" name="xsrf" value="${parts.xsrf}">
  <input type="hidden" name="user_code" value="${userCode}">
  <input type="hidden" name="abort" value="yes">
  <button type="submit" class="link">Cancel, this is not my device</button>
</form>`
    : html`<p>This page cannot be shown right now. Please try again.</p>`;
  send(ctx, layout({ title: 'Connect a device', body }));
}

export async function successSource(ctx: KoaContextWithOIDC): Promise<void> {
  const name = ctx.oidc.client?.clientName ?? 'Your device';
  send(ctx, layout({ title: 'Device connected', body: html`<p>${name} is connected. You can close this page and go back to your device.</p><p><a href="/records">Go to your records</a></p>` }));
}

const ERROR_TEXT: Record<string, string> = {
  invalid_redirect_uri: 'The application sent you here with a return address Carevault does not know for it, so Carevault cannot send you back.',
  invalid_client: 'Carevault does not know the application that sent you here.',
  invalid_request: 'The application sent Carevault a request it cannot handle.',
  access_denied: 'The request was cancelled.',
  expired_token: 'This code has expired. Start again on your device.',
  session_not_found: 'This request has expired. Go back to the application and start again.',
};

export async function renderError(ctx: KoaContextWithOIDC, out: ErrorOut): Promise<void> {
  const text = ERROR_TEXT[out.error] ?? 'This request could not be completed. Go back to the application and try again.';
  send(
    ctx,
    layout({
      title: 'Something is not right',
      body: html`<p>${text}</p><p class="muted">Error: <code>${out.error}</code></p><p><a href="/records">Go to your records</a></p>`,
    }),
  );
}
