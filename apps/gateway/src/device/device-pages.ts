import { csrfInput } from '../web/forms';
import { type SafeHtml, html } from '../web/html';
import { layout } from '../web/layout';

/** The form of POST /apps/revoke-instance (API.md: person-facing pages). */
export const REVOKE_INSTANCE_PATH = '/apps/revoke-instance';
export const REVOKE_INSTANCE_FIELDS = { instance: 'instance_id' } as const;

/** On the consent page of a device authorization: which device the person is connecting. */
export function deviceInstanceContext(instanceName: string): SafeHtml {
  return html`<p>The device: <strong>${instanceName}</strong>. It gets its own connection, which you can end on its own on your connected applications page.</p>`;
}

/** /device after too many wrong codes (per person and per address): a plain page, answered with 429. */
export function tooManyTriesPage(): SafeHtml {
  return layout({
    title: 'Too many tries',
    body: html`<p>Too many codes were entered that were not right. Wait 15 minutes, then enter the code your device shows again.</p>
<p><a href="/records">Go to your records</a></p>`,
  });
}

/** One device instance as the person's pages show it. */
export interface DeviceInstanceItem {
  id: string;
  name: string;
  appName: string;
  createdAt: string;
  lastUsedAt: string | null;
}

const day = (iso: string) => html`<time datetime="${iso}">${new Date(iso).toLocaleDateString('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' })}</time>`;

/**
 * For /apps: the device instances on one record, each with its own Disconnect button
 * (POST /apps/revoke-instance `instance_id`). Empty when there are none.
 */
export function deviceInstanceList(items: DeviceInstanceItem[], csrf: string): SafeHtml {
  if (items.length === 0) return html``;
  return html`<h3>Devices</h3>
<ul class="devices">${items.map(
    (d) => html`<li><strong>${d.name}</strong> <span class="muted">(${d.appName}; connected on ${day(d.createdAt)}${
      d.lastUsedAt ? html`, last used on ${day(d.lastUsedAt)}` : ''
    })</span>
  <form method="post" action="${REVOKE_INSTANCE_PATH}" class="inline">
    ${csrfInput(csrf)}
    <input type="hidden" name="${REVOKE_INSTANCE_FIELDS.instance}" value="${d.id}">
    <button type="submit" aria-label="${`Disconnect ${d.name}`}">Disconnect</button>
  </form></li>`,
  )}</ul>`;
}
