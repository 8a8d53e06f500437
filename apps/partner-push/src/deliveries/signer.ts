import { Webhook } from 'standardwebhooks';

/**
 * The Standard Webhooks headers for one attempt: `webhook-id` is the event id (partners de-duplicate on
 * it), `webhook-timestamp` the attempt time in seconds, `webhook-signature` `v1,<base64 HMAC-SHA256>` of
 * `id.timestamp.body` with the application's `whsec_` secret.
 */
export function signedHeaders(secret: string, eventId: string, body: string, at: Date = new Date()): Record<string, string> {
  return {
    'content-type': 'application/json',
    'user-agent': 'Carevault-Webhooks/1',
    'webhook-id': eventId,
    'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
    'webhook-signature': new Webhook(secret).sign(eventId, at, body),
  };
}
