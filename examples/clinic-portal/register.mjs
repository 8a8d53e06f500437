// Registers Clinic Portal with Carevault through the operator API and prints its client id and secret
// as `NAME=value` lines on stdout (everything else goes to stderr):
//
//   CAREVAULT_URL=http://localhost:8080 ADMIN_TOKEN=… PUBLIC_URL=http://127.0.0.1:3000 \
//     node examples/clinic-portal/register.mjs > clinic-portal.env

const CAREVAULT_URL = (process.env.CAREVAULT_URL ?? 'http://localhost:8080').replace(/\/$/, '');
const PUBLIC_URL = (process.env.PUBLIC_URL ?? `http://127.0.0.1:${process.env.PORT ?? '3000'}`).replace(/\/$/, '');
const ADMIN_TOKEN = process.env.ADMIN_TOKEN;
if (!ADMIN_TOKEN) {
  console.error('register: set ADMIN_TOKEN (the operator token `npm start` prints when Carevault is up)');
  process.exit(2);
}

const RULES = [
  { name: 'meds', reason: 'To show you the medications on your record', dataTypes: ['MedicationStatement'], permissions: ['read'], mode: 'online', required: true },
  { name: 'allergies', reason: 'To show you your allergies next to your medications', dataTypes: ['AllergyIntolerance'], permissions: ['read'], mode: 'online', required: false },
  { name: 'notes', reason: 'To add the measurements your clinic takes to your record, also when you are not signed in', dataTypes: ['Observation'], permissions: ['create'], mode: 'offline', required: false },
];

const res = await fetch(`${CAREVAULT_URL}/api/v1/admin/applications`, {
  method: 'POST',
  headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
  body: JSON.stringify({
    name: process.env.APP_NAME ?? 'Clinic Portal',
    description: 'Your clinic’s portal: your medications and allergies in one place',
    kind: 'web',
    redirectUris: [`${PUBLIC_URL}/callback`],
    rules: RULES,
  }),
});
const body = await res.text();
if (res.status !== 201) {
  console.error(`register: Carevault answered ${res.status}: ${body}`);
  process.exit(1);
}
const app = JSON.parse(body);
console.error(`register: registered "${app.name ?? 'Clinic Portal'}" (app ${app.appId}) with redirect URI ${PUBLIC_URL}/callback; the secret is shown only now`);
console.log(`CAREVAULT_URL=${CAREVAULT_URL}`);
console.log(`PUBLIC_URL=${PUBLIC_URL}`);
console.log(`CLIENT_ID=${app.clientId}`);
console.log(`CLIENT_SECRET=${app.clientSecret}`);
