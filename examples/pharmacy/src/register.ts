// `--register`: registers the pharmacy with Carevault through the operator API and prints the settings
// to run it with (secrets are shown once). Human text goes to stderr, KEY=value lines to stdout, so
// `node examples/pharmacy/run.mjs --register > pharmacy.env` keeps exactly what the pharmacy needs.
import type { RegisterConfig } from './config';
import { WEBHOOK_PATH } from './server';

export const PHARMACY_RULES = [
  {
    name: 'Dispensed medicines',
    reason: 'To add the medicines we dispense to your medication list, also when you are not using our app',
    dataTypes: ['MedicationStatement'],
    permissions: ['create'],
    mode: 'offline',
    required: true,
  },
  {
    name: 'Medication list',
    reason: 'To show your medication list when you sign in to our app',
    dataTypes: ['MedicationStatement'],
    permissions: ['read'],
    mode: 'online',
    required: false,
  },
];

export interface Registered {
  appId: string;
  clientId: string;
  clientSecret: string;
  webhookSecret: string;
}

export async function register(c: RegisterConfig, http: typeof fetch = fetch): Promise<Registered> {
  const res = await http(`${c.carevaultUrl}/api/v1/admin/applications`, {
    method: 'POST',
    headers: { authorization: `Bearer ${c.adminToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      name: c.name,
      description: 'A pharmacy that adds the medicines it dispenses to your record.',
      kind: 'web',
      redirectUris: c.redirectUris,
      webhookUrl: `${c.publicUrl}${WEBHOOK_PATH}`,
      rules: PHARMACY_RULES,
    }),
  });
  const body = (await res.json().catch(() => ({}))) as Partial<Registered> & { detail?: string; errors?: Array<{ field: string; message: string }> };
  if (res.status !== 201 || !body.clientSecret || !body.webhookSecret) {
    const why = body.errors?.map((e) => `${e.field}: ${e.message}`).join('; ') || body.detail || '';
    throw new Error(`registration refused (${res.status}) ${why}`.trim());
  }
  return { appId: body.appId!, clientId: body.clientId!, clientSecret: body.clientSecret, webhookSecret: body.webhookSecret };
}

export function settingsOf(c: RegisterConfig, r: Registered): string {
  return [
    `CAREVAULT_URL=${c.carevaultUrl}`,
    `CLIENT_ID=${r.clientId}`,
    `CLIENT_SECRET=${r.clientSecret}`,
    `WEBHOOK_SECRET=${r.webhookSecret}`,
    `PORT=${c.port}`,
    `PHARMACY_URL=${c.publicUrl}`,
    `APP_ID=${r.appId}`,
  ].join('\n');
}
