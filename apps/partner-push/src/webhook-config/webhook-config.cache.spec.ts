import { ErrorCode, type GetWebhookConfigResponse } from '@carevault/contracts';
import { type RpcClient, RpcError } from '@carevault/platform';
import { randomUUID } from 'node:crypto';
import { deliverySettings, PartnerPushEnv } from '../config';
import { WebhookConfigCache } from './webhook-config.cache';

type Answer = GetWebhookConfigResponse | RpcError;

function makeSut(ttlMs = 30_000) {
  const answers = new Map<string, Answer>();
  const calls: string[] = [];
  let release: (() => void) | undefined;
  let hold = false;
  const rpc = {
    request: async (_subject: string, req: { appId: string }) => {
      calls.push(req.appId);
      const a = answers.get(req.appId);
      if (hold) await new Promise<void>((r) => (release = r));
      if (!a) throw new RpcError({ code: ErrorCode.NOT_FOUND, message: 'no such application' });
      if (a instanceof RpcError) throw a;
      return a;
    },
  } as unknown as RpcClient;
  const settings = { ...deliverySettings(new PartnerPushEnv()), configTtlMs: ttlMs };
  return { sut: new WebhookConfigCache(rpc, settings), answers, calls, holdNext: () => (hold = true), release: () => ((hold = false), release?.()) };
}

const config = (appId: string, webhookUrl: string | null = 'https://partner.example/hooks'): GetWebhookConfigResponse => ({
  appId,
  webhookUrl,
  webhookSecret: webhookUrl ? 'whsec_c2VjcmV0' : null,
});

describe(WebhookConfigCache.name, () => {
  describe('get', () => {
    it('asks identity once per application within the TTL, including concurrent askers', async () => {
      const { sut, answers, calls } = makeSut();
      const appId = randomUUID();
      answers.set(appId, config(appId));
      const [a, b] = await Promise.all([sut.get(appId), sut.get(appId)]);
      await sut.get(appId);
      expect(a).toEqual({ url: 'https://partner.example/hooks', secret: 'whsec_c2VjcmV0' });
      expect(b).toEqual(a);
      expect(calls).toEqual([appId]);
    });

    it('answers null for an application without a webhook URL and for an unknown one', async () => {
      const { sut, answers } = makeSut();
      const appId = randomUUID();
      answers.set(appId, config(appId, null));
      expect(await sut.get(appId)).toBeNull();
      expect(await sut.get(randomUUID())).toBeNull();
    });

    it('throws when identity does not answer, and caches nothing', async () => {
      const { sut, answers, calls } = makeSut();
      const appId = randomUUID();
      answers.set(appId, new RpcError({ code: ErrorCode.UNAVAILABLE, message: 'timed out' }));
      await expect(sut.get(appId)).rejects.toThrow('timed out');
      answers.set(appId, config(appId));
      expect(await sut.get(appId)).not.toBeNull();
      expect(calls).toHaveLength(2);
    });

    it('asks every time with a TTL of 0', async () => {
      const { sut, answers, calls } = makeSut(0);
      const appId = randomUUID();
      answers.set(appId, config(appId));
      await sut.get(appId);
      await sut.get(appId);
      expect(calls).toHaveLength(2);
    });
  });

  describe('invalidate', () => {
    it('drops the entry, and an answer that was on its way when it happened is not kept', async () => {
      const { sut, answers, calls, holdNext, release } = makeSut();
      const appId = randomUUID();
      answers.set(appId, config(appId, null));
      holdNext();
      const stale = sut.get(appId);
      await new Promise((r) => setImmediate(r));
      sut.invalidate(appId);
      answers.set(appId, config(appId));
      release();
      expect(await stale).toBeNull();
      expect(await sut.get(appId)).not.toBeNull();
      expect(calls).toHaveLength(2);
    });
  });
});
