import type { RegisterApplicationResponse, Rule } from '@carevault/contracts';
import { mintAccessToken, type RunningPlatform } from '@carevault/testing';
import type { Pool } from 'pg';

export const REDIRECT_URI = 'https://partner.example/callback';

export const medicationStatement = (note: string | number) => ({
  resourceType: 'MedicationStatement',
  status: 'active',
  medicationCodeableConcept: { text: `Amoxicillin 500 mg ${note}` },
  subject: { reference: 'Patient/123' },
  effectiveDateTime: '2026-11-01T10:00:00Z',
  dosage: [{ text: 'One capsule three times a day' }],
});

export async function registerApp(p: RunningPlatform, body: { name: string; rules: Rule[]; webhookUrl?: string }): Promise<RegisterApplicationResponse> {
  const res = await fetch(`${p.baseUrl}/api/v1/admin/applications`, {
    method: 'POST',
    headers: { authorization: `Bearer ${p.adminToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({ kind: 'web', redirectUris: [REDIRECT_URI], ...body }),
  });
  if (res.status !== 201) throw new Error(`register ${body.name}: ${res.status} ${await res.text()}`);
  return (await res.json()) as RegisterApplicationResponse;
}

/**
 * An offline application token: from `/oauth/token` (client_credentials) when the OAuth server issues
 * one, else minted with the platform's signing key (and the caller is told which).
 */
export async function offlineToken(p: RunningPlatform, app: RegisterApplicationResponse): Promise<{ token: string; source: 'client_credentials' | 'minted' }> {
  try {
    const res = await fetch(`${p.baseUrl}/oauth/token`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `Basic ${Buffer.from(`${encodeURIComponent(app.clientId)}:${encodeURIComponent(app.clientSecret ?? '')}`).toString('base64')}`,
      },
      body: new URLSearchParams({ grant_type: 'client_credentials' }),
    });
    const body = (await res.json()) as { access_token?: string };
    if (res.status === 200 && body.access_token) return { token: body.access_token, source: 'client_credentials' };
  } catch {
    // fall through
  }
  return { token: await mintAccessToken(p, { client_id: app.clientId, app_id: app.appId, cv_mode: 'offline' }), source: 'minted' };
}


/**
 * Seeds `count` items (4 data types, effective dates spread over 5 years) and their first versions into
 * record_store directly with one INSERT ... SELECT generate_series: this BYPASSES the API (no FHIR
 * validation, no audit rows), to make 100k items in seconds. Same columns and resources as the API writes.
 */
export async function seedItemsDirect(pool: Pool, recordId: string, appId: string, count: number): Promise<number> {
  const started = Date.now();
  const batch = 25_000;
  for (let from = 1; from <= count; from += batch) {
    const to = Math.min(count, from + batch - 1);
    await pool.query(
      `WITH src AS (
         SELECT g, gen_random_uuid() AS id, (ARRAY['MedicationStatement','Observation','Condition','AllergyIntolerance'])[1 + g % 4] AS type,
           timestamptz '2026-01-01T00:00:00Z' - random() * interval '1826 days' AS eff
         FROM generate_series($3::int, $4::int) AS g),
       w AS (
         INSERT INTO record_store.items ("id", "record_id", "type", "version", "version_stamp", "effective_date", "resource", "state",
           "created_at", "created_app_id", "created_person_id", "created_instance_id", "created_mode",
           "updated_at", "updated_app_id", "updated_person_id", "updated_instance_id", "updated_mode", "deleted_at")
         SELECT id, $1::uuid, type, 1, gen_random_uuid()::text, eff,
           CASE type
             WHEN 'MedicationStatement' THEN jsonb_build_object('resourceType', type, 'status', 'active',
               'medicationCodeableConcept', jsonb_build_object('text', 'Amoxicillin 500 mg #' || g),
               'subject', jsonb_build_object('reference', 'Patient/' || $1), 'effectiveDateTime', to_char(eff AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
               'dosage', jsonb_build_array(jsonb_build_object('text', 'One capsule three times a day')))
             WHEN 'Observation' THEN jsonb_build_object('resourceType', type, 'status', 'final', 'code', jsonb_build_object('text', 'Body weight'),
               'subject', jsonb_build_object('reference', 'Patient/' || $1), 'effectiveDateTime', to_char(eff AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
               'valueQuantity', jsonb_build_object('value', 60 + g % 40, 'unit', 'kg', 'system', 'http://unitsofmeasure.org', 'code', 'kg'))
             WHEN 'Condition' THEN jsonb_build_object('resourceType', type, 'code', jsonb_build_object('text', 'Seasonal allergic rhinitis'),
               'subject', jsonb_build_object('reference', 'Patient/' || $1), 'recordedDate', to_char(eff AT TIME ZONE 'UTC', 'YYYY-MM-DD'))
             ELSE jsonb_build_object('resourceType', type, 'code', jsonb_build_object('text', 'Penicillin'),
               'patient', jsonb_build_object('reference', 'Patient/' || $1), 'recordedDate', to_char(eff AT TIME ZONE 'UTC', 'YYYY-MM-DD'))
           END,
           'active', eff, $2::uuid, NULL, NULL, 'offline', eff, $2::uuid, NULL, NULL, 'offline', NULL
         FROM src
         RETURNING *)
       INSERT INTO record_store.item_versions ("item_id", "version", "version_stamp", "effective_date", "resource", "state", "at", "app_id", "person_id", "instance_id", "mode")
       SELECT "id", "version", "version_stamp", "effective_date", "resource", "state", "updated_at", "updated_app_id", "updated_person_id", "updated_instance_id", "updated_mode" FROM w`,
      [recordId, appId, from, to],
    );
  }
  await pool.query('ANALYZE record_store.items');
  await pool.query('ANALYZE record_store.item_versions');
  return Date.now() - started;
}

/** Reads the resident set size (VmRSS) of a process, in MB. */
export async function rssMb(pid: number): Promise<number | null> {
  const { readFile } = await import('node:fs/promises');
  try {
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    const kb = /VmRSS:\s+(\d+)\s+kB/.exec(status)?.[1];
    return kb ? Math.round(Number(kb) / 102.4) / 10 : null;
  } catch {
    return null;
  }
}
