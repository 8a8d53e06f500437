/** The one stylesheet of the person-facing pages: system fonts, readable measure, visible focus, AA contrast. */
export const STYLESHEET = `
:root { --fg: #1b1f24; --muted: #57606a; --bg: #ffffff; --panel: #f6f8fa; --line: #d0d7de;
  --accent: #0b5cad; --accent-fg: #ffffff; --danger: #a40e26; --danger-bg: #fff0f1; color-scheme: light dark; }
@media (prefers-color-scheme: dark) {
  :root { --fg: #e6edf3; --muted: #9da7b3; --bg: #0d1117; --panel: #161b22; --line: #30363d;
    --accent: #4493f8; --accent-fg: #0d1117; --danger: #ff7b72; --danger-bg: #2d1215; }
}
* { box-sizing: border-box; }
html { font-size: 100%; }
body { margin: 0; font: 1rem/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg); background: var(--bg); }
a { color: var(--accent); }
:focus-visible { outline: 3px solid var(--accent); outline-offset: 2px; }
.skip { position: absolute; left: -999px; top: 0; background: var(--bg); padding: .5rem 1rem; }
.skip:focus { left: 1rem; }
header.site { border-bottom: 1px solid var(--line); background: var(--panel); }
.bar { max-width: 44rem; margin: 0 auto; padding: .75rem 1rem; display: flex; flex-wrap: wrap; gap: 1rem; align-items: center; justify-content: space-between; }
.brand { font-weight: 700; font-size: 1.25rem; text-decoration: none; color: var(--fg); }
nav ul { list-style: none; margin: 0; padding: 0; display: flex; gap: 1rem; align-items: center; flex-wrap: wrap; }
.who { color: var(--muted); }
main { max-width: 44rem; margin: 0 auto; padding: 1.5rem 1rem 3rem; }
main:focus { outline: none; }
h1 { font-size: 1.75rem; margin: 0 0 1rem; }
h2 { font-size: 1.25rem; margin: 2rem 0 .75rem; }
form.stack { display: grid; gap: 1rem; max-width: 28rem; }
form.inline { display: inline; margin: 0; }
.field { display: grid; gap: .25rem; }
label { font-weight: 600; }
.hint { margin: 0; color: var(--muted); font-size: .9rem; }
input, select { font: inherit; padding: .5rem .625rem; border: 1px solid var(--line); border-radius: 6px; background: var(--bg); color: var(--fg); width: 100%; }
input[type="radio"], input[type="checkbox"] { width: auto; padding: 0; margin: 0 .5rem 0 0; vertical-align: middle; accent-color: var(--accent); }
input[aria-invalid="true"], select[aria-invalid="true"] { border-color: var(--danger); border-width: 2px; }
button { font: inherit; font-weight: 600; padding: .55rem 1.1rem; border: 0; border-radius: 6px; background: var(--accent); color: var(--accent-fg); cursor: pointer; justify-self: start; }
button.link { background: none; color: var(--accent); padding: 0; text-decoration: underline; font-weight: 400; }
.error-summary { border: 2px solid var(--danger); background: var(--danger-bg); border-radius: 6px; padding: .75rem 1rem; margin: 0 0 1rem; }
.error-summary p { margin: 0; font-weight: 600; }
.error-summary ul { margin: .5rem 0 0; padding-left: 1.25rem; }
ul.records { list-style: none; padding: 0; margin: 0; border: 1px solid var(--line); border-radius: 6px; }
ul.records li { padding: .75rem 1rem; border-top: 1px solid var(--line); display: flex; justify-content: space-between; gap: 1rem; }
ul.records li:first-child { border-top: 0; }
.muted { color: var(--muted); }
footer.site { max-width: 44rem; margin: 0 auto; padding: 1rem; color: var(--muted); font-size: .875rem; border-top: 1px solid var(--line); }
`;
