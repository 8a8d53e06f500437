import type * as OidcProvider from 'oidc-provider';

/**
 * The one place that loads oidc-provider (ESM, through Node's require(esm)). It prints notices with
 * console.info/warn when it loads (e.g. about the Node version); they are kept here and written through
 * our logger by createProvider() instead of going to stdout unstructured.
 */
const notices: string[] = [];

function load(): typeof OidcProvider {
  const { info, warn } = console;
  console.info = console.warn = (...args: unknown[]) => void notices.push(args.map(String).join(' '));
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require('oidc-provider') as typeof OidcProvider;
  } finally {
    console.info = info;
    console.warn = warn;
  }
}

const oidc = load();

export const { Provider, errors, interactionPolicy } = oidc;

/** The notices oidc-provider printed so far (each returned once). */
export function takeNotices(): string[] {
  return notices.splice(0);
}
