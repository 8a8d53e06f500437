// The cuff's credentials: a small JSON file only its owner may read (mode 0600).
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { CliError, EXIT } from './ui.mjs';

export const DEFAULT_STATE_FILE = join(homedir(), '.carevault-cuff.json');

export function stateFile(path) {
  return resolve(path ?? DEFAULT_STATE_FILE);
}

/** The stored connection, or null when there is none yet. */
export function loadState(file) {
  if (!existsSync(file)) return null;
  try {
    const state = JSON.parse(readFileSync(file, 'utf8'));
    if (typeof state !== 'object' || state === null) throw new Error('not an object');
    return state;
  } catch (err) {
    throw new CliError(`The credentials file ${file} cannot be read (${err.message}). Delete it, or run with --connect to replace it.`, EXIT.usage);
  }
}

/**
 * Writes the whole state to a temporary file created with mode 0600, then renames it over the old one:
 * a crash never leaves half a file, and the refresh token is never readable by others, not even briefly.
 */
export function saveState(file, state) {
  mkdirSync(dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
  chmodSync(tmp, 0o600);
  renameSync(tmp, file);
}
