import { DEVICE_INSTANCE_NAME_MAX } from '@carevault/contracts';
import type { KoaContextWithOIDC } from 'oidc-provider';
import { errors } from '../oauth/oidc';

/** One line of text: runs of whitespace become one space; other control characters are refused. */
export function normalizeInstanceName(value: string): string | null {
  const name = value.replace(/\s+/g, ' ').trim();
  if (name.length > DEVICE_INSTANCE_NAME_MAX || /[\u0000-\u001f\u007f]/.test(name)) return null;
  return name;
}

/**
 * oidc-provider `extraParams` validator of `instance_name` (what the device calls itself, e.g. "Sam's
 * iPhone"), run at device authorization and kept with the device code: the consent page shows it and
 * the device instance is created with it.
 */
export function instanceNameParam(ctx: KoaContextWithOIDC, value: string | undefined): void {
  if (value === undefined) return;
  const name = normalizeInstanceName(value);
  if (name === null) throw new errors.InvalidRequest(`instance_name must be text of at most ${DEVICE_INSTANCE_NAME_MAX} characters`);
  (ctx.oidc.params as Record<string, unknown>).instance_name = name || undefined;
}

/** The instance name of an interaction's parameters, or null when the device gave none. */
export function instanceNameOf(params: { instance_name?: unknown }): string | null {
  return typeof params.instance_name === 'string' && params.instance_name.length > 0 ? params.instance_name : null;
}
