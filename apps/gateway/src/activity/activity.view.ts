import type { ActivityEntry, RecordView } from '@carevault/contracts';
import { type SafeHtml, html } from '../web/html';
import { layout } from '../web/layout';

export type OutcomeFilter = 'allowed' | 'denied';

export interface ActivityFilter {
  recordId: string;
  appId?: string;
  outcome?: OutcomeFilter;
}

export interface ActivityPageInput {
  csrf: string;
  person: { name: string };
  records: RecordView[];
  /** Applications to filter by: those with a grant on the record, and any named on this page. */
  apps: ReadonlyArray<{ appId: string; name: string }>;
  filter?: ActivityFilter;
  entries: ActivityEntry[];
  nextCursor: string | null;
  /** True on an older page (offers the way back to the newest). */
  paged: boolean;
}

const OUTCOMES: ReadonlyArray<{ value: '' | OutcomeFilter; label: string }> = [
  { value: '', label: 'Allowed and denied' },
  { value: 'allowed', label: 'Allowed only' },
  { value: 'denied', label: 'Denied only' },
];

/** `/activity?record=…&app=…&outcome=…&cursor=…` with the empty ones left out. */
export function activityUrl(f: ActivityFilter, cursor?: string): string {
  const params = new URLSearchParams({ record: f.recordId });
  if (f.appId) params.set('app', f.appId);
  if (f.outcome) params.set('outcome', f.outcome);
  if (cursor) params.set('cursor', cursor);
  return `/activity?${params.toString()}`;
}

/** "29 Nov 2026, 10:42 UTC": the same for every reader (the server does not know the person's time zone). */
export function whenText(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const date = d.toLocaleDateString('en-GB', { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' });
  const time = d.toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit', second: '2-digit', timeZone: 'UTC' });
  return `${date}, ${time} UTC`;
}

function option(value: string, label: string, selected: string | undefined): SafeHtml {
  return html`<option value="${value}"${value === (selected ?? '') ? html` selected` : ''}>${label}</option>`;
}

function filters(o: ActivityPageInput, f: ActivityFilter): SafeHtml {
  return html`<form method="get" action="/activity" class="stack" aria-label="Show activity">
  <div class="field"><label for="f-record">Record</label>
  <select id="f-record" name="record">${o.records.map((r) => option(r.id, r.name, f.recordId))}</select></div>
  <div class="field"><label for="f-app">Application</label>
  <select id="f-app" name="app">${option('', 'All applications', f.appId)}${o.apps.map((a) => option(a.appId, a.name, f.appId))}</select></div>
  <div class="field"><label for="f-outcome">Outcome</label>
  <select id="f-outcome" name="outcome">${OUTCOMES.map((x) => option(x.value, x.label, f.outcome))}</select></div>
  <button type="submit">Show</button>
</form>`;
}

function entry(e: ActivityEntry): SafeHtml {
  const denied = e.outcome === 'denied' || e.outcome === 'failure';
  return html`<li class="activity-entry">
  <span><span class="sentence">${e.sentence}</span><br><span class="muted"><time datetime="${e.occurredAt}">${whenText(e.occurredAt)}</time>${
    e.appName ? html` · ${e.appName}` : ''
  }</span></span>
  <span class="${denied ? 'outcome denied' : 'outcome'}">${e.outcome}</span>
</li>`;
}

/** /activity: who did what with one of the person's records, newest first, through which application. */
export function activityPage(o: ActivityPageInput): SafeHtml {
  const signedIn = { name: o.person.name, csrf: o.csrf };
  const f = o.filter;
  if (!f) {
    return layout({ title: 'Activity', signedIn, body: html`<p class="muted">You hold no records yet, so there is no activity to show.</p>` });
  }
  const list = o.entries.length
    ? html`<ul class="records activity">${o.entries.map(entry)}</ul>`
    : html`<p class="muted">Nothing ${o.paged ? 'older ' : ''}to show${f.appId || f.outcome ? ' with these filters' : ''}.</p>`;
  const older = o.nextCursor ? html`<a href="${activityUrl(f, o.nextCursor)}" rel="next">Older</a>` : '';
  const newest = o.paged ? html`<a href="${activityUrl(f)}">Newest</a>` : '';
  return layout({
    title: 'Activity',
    signedIn,
    body: html`<p>Who read or changed your records, through which application and when — and what was refused.</p>
${filters(o, f)}
<h2 id="entries">Newest first</h2>
${list}
${older || newest ? html`<nav aria-label="Pages" class="pages"><p>${newest}${older && newest ? ' · ' : ''}${older}</p></nav>` : ''}`,
  });
}
