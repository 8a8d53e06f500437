import { ErrorCode } from '@carevault/contracts';
import type { RecordsRepository } from './records.repository';
import { RecordsService } from './records.service';

function setup() {
  const repo = {
    insertWithCustodian: jest.fn(async (_m: unknown, r: { id: string; name: string; relationship: string }): Promise<object | null> => ({
      ...r,
      createdAt: new Date('2030-01-01T00:00:00Z'),
    })),
    listForPerson: jest.fn().mockResolvedValue([]),
    isCustodian: jest.fn().mockResolvedValue(false),
  };
  return { sut: new RecordsService(repo as unknown as RecordsRepository), repo };
}

describe(RecordsService.name, () => {
  describe('add', () => {
    it('creates the record with the person as custodian', async () => {
      const { sut, repo } = setup();
      const res = await sut.add({ personId: 'p-1', name: ' Kid ', relationship: 'child' });
      expect(repo.insertWithCustodian).toHaveBeenCalledWith(undefined, { id: res.id, name: 'Kid', relationship: 'child', personId: 'p-1' });
      expect(res).toEqual({ id: res.id, name: 'Kid', relationship: 'child', createdAt: '2030-01-01T00:00:00.000Z' });
    });

    it('answers NOT_FOUND for an unknown person', async () => {
      const { sut, repo } = setup();
      repo.insertWithCustodian.mockResolvedValue(null);
      await expect(sut.add({ personId: 'p-x', name: 'Kid', relationship: 'child' })).rejects.toMatchObject({ code: ErrorCode.NOT_FOUND });
    });
  });

  describe('list', () => {
    it('answers a list page with no next cursor', async () => {
      const { sut, repo } = setup();
      repo.listForPerson.mockResolvedValue([{ id: 'r-1', name: 'Me', relationship: 'self', createdAt: new Date(0) }]);
      expect(await sut.list('p-1')).toEqual({ items: [{ id: 'r-1', name: 'Me', relationship: 'self', createdAt: '1970-01-01T00:00:00.000Z' }], nextCursor: null });
    });
  });
});
