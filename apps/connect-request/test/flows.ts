import { type CompleteResponse, ConnectRequestCmd, type CreateConnectRequestResponse } from '@carevault/contracts';
import { randomBytes, randomUUID } from 'node:crypto';
import type { ConnectHarness } from './harness';

export const ANSWER = 'Rex the Dog';

/** A client address of its own, so that suites and tests do not share a rate limit. */
export const someAddress = () => `10.${[...randomBytes(3)].join('.')}`;

/** The code as a person might type it: lower case, no dashes. */
export const typed = (code: string) => code.replace(/-/g, '').toLowerCase();

export function createRequest(h: ConnectHarness, appId: string, externalId = `patient-${randomUUID().slice(0, 8)}`): Promise<CreateConnectRequestResponse> {
  return h.rpc.request(ConnectRequestCmd.Create, { appId, externalId, friendlyName: 'Sam Lee at Contoso Pharmacy', question: 'Name of your first pet?', answer: ANSWER });
}

export interface Pickup extends CompleteResponse {
  personId: string;
}

/** A whole pickup as the gateway drives it: code, answer, the grant (fake consent), complete. */
export async function pickUp(
  h: ConnectHarness,
  appId: string,
  code: string,
  o: { personId?: string; recordId?: string; answer?: string } = {},
): Promise<Pickup> {
  const personId = o.personId ?? randomUUID();
  const clientAddress = someAddress();
  const entered = await h.rpc.request(ConnectRequestCmd.EnterCode, { personId, clientAddress, code: typed(code) });
  const answered = await h.rpc.request(ConnectRequestCmd.Answer, { personId, clientAddress, ticket: entered.ticket, answer: o.answer ?? ` ${ANSWER.toUpperCase()} ` });
  const grant = h.consent.grant(appId, o.recordId ?? randomUUID(), personId);
  const done = await h.rpc.request(ConnectRequestCmd.Complete, { personId, ticket: answered.ticket, recordId: grant.recordId, grantId: grant.grantId });
  return { ...done, personId };
}

/** Runs `task` for 0..n-1, at most `concurrency` at a time. */
export async function inParallel<T>(n: number, concurrency: number, task: (i: number) => Promise<T>): Promise<T[]> {
  const out: T[] = new Array<T>(n);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(n, concurrency) }, async () => {
      while (next < n) {
        const i = next++;
        out[i] = await task(i);
      }
    }),
  );
  return out;
}

/** The error code a request failed with, or 'OK'. */
export async function outcome(p: Promise<unknown>): Promise<string> {
  return p.then(
    () => 'OK',
    (e: { code?: string }) => e.code ?? 'THROWN',
  );
}
