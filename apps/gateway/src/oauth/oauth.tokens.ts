/** Nest injection tokens of the OAuth server. */
export const OAUTH_PROVIDER = Symbol('OAUTH_PROVIDER');
export const OAUTH_SETTINGS = Symbol('OAUTH_SETTINGS');
