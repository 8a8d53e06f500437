import { csrfInput } from './forms';
import { type SafeHtml, html } from './html';

export const PRODUCT = 'Carevault';
export const STYLESHEET_PATH = '/assets/carevault.css';

export interface LayoutOptions {
  title: string;
  body: SafeHtml;
  /** Present when a person is signed in: their name and a CSRF token for the sign-out button. */
  signedIn?: { name: string; csrf: string };
}

function nav(signedIn: LayoutOptions['signedIn']): SafeHtml {
  if (!signedIn) {
    return html`<nav aria-label="Account"><ul>
  <li><a href="/signin">Sign in</a></li>
  <li><a href="/signup">Create an account</a></li>
</ul></nav>`;
  }
  return html`<nav aria-label="Account"><ul>
  <li><a href="/records">Records</a></li>
  <li><a href="/apps">Connected apps</a></li>
  <li><a href="/activity">Activity</a></li>
  <li><span class="who">${signedIn.name}</span></li>
  <li><form method="post" action="/signout" class="inline">${csrfInput(signedIn.csrf)}<button type="submit" class="link">Sign out</button></form></li>
</ul></nav>`;
}

/** The page frame every person-facing page shares. */
export function layout(o: LayoutOptions): SafeHtml {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${o.title} · ${PRODUCT}</title>
<link rel="stylesheet" href="${STYLESHEET_PATH}">
</head>
<body>
<a class="skip" href="#main">Skip to content</a>
<header class="site"><div class="bar">
  <a class="brand" href="/">${PRODUCT}</a>
  ${nav(o.signedIn)}
</div></header>
<main id="main" tabindex="-1">
<h1>${o.title}</h1>
${o.body}
</main>
<footer class="site"><p>${PRODUCT} keeps your health records and shares them only with the applications you authorize.</p></footer>
</body>
</html>
`;
}
