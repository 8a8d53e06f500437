import { ErrorCode, IdentityCmd } from '@carevault/contracts';
import { type RpcClient, RpcError } from '@carevault/platform';
import { ApplicationNames, NAME_TTL_MS, UNKNOWN_APPLICATION } from './application-names';

function setup(answer: (appId: string) => Promise<{ name: string }>) {
  const request = jest.fn((_subject: string, data: { appId: string }) => answer(data.appId));
  return { sut: new ApplicationNames({ request } as unknown as RpcClient), request };
}

describe(ApplicationNames.name, () => {
  afterEach(() => jest.useRealTimers());

  describe('nameOf', () => {
    it('asks identity once per application while the name is fresh, again after NAME_TTL_MS', async () => {
      jest.useFakeTimers({ now: 1_000_000 });
      const { sut, request } = setup(async (id) => ({ name: `App ${id}` }));
      expect(await Promise.all([sut.nameOf('a'), sut.nameOf('a')])).toEqual(['App a', 'App a']);
      expect(request).toHaveBeenCalledTimes(1);
      expect(request).toHaveBeenCalledWith(IdentityCmd.GetApplication, { appId: 'a' }, { correlationId: undefined });
      jest.setSystemTime(1_000_000 + NAME_TTL_MS + 1);
      await sut.nameOf('a');
      expect(request).toHaveBeenCalledTimes(2);
    });

    it('names an application identity no longer knows, and does not keep a failure', async () => {
      let down = true;
      const { sut, request } = setup(async (id) => {
        if (id === 'gone') throw new RpcError({ code: ErrorCode.NOT_FOUND, message: 'no such application' });
        if (down) throw new RpcError({ code: ErrorCode.UNAVAILABLE, message: 'timed out' });
        return { name: 'Back' };
      });
      expect(await sut.nameOf('gone')).toBe(UNKNOWN_APPLICATION);
      await expect(sut.nameOf('b')).rejects.toMatchObject({ code: ErrorCode.UNAVAILABLE });
      down = false;
      expect(await sut.nameOf('b')).toBe('Back');
      expect(request.mock.calls.filter(([, d]) => d.appId === 'b')).toHaveLength(2);
    });
  });

  describe('namesOf', () => {
    it('answers a map of the distinct applications', async () => {
      const { sut, request } = setup(async (id) => ({ name: id.toUpperCase() }));
      expect(await sut.namesOf(['x', 'y', 'x'])).toEqual(new Map([['x', 'X'], ['y', 'Y']]));
      expect(request).toHaveBeenCalledTimes(2);
    });
  });
});
