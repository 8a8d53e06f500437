import { fitPage } from './page';

describe(fitPage.name, () => {
  const rows = (n: number, size = 10) => Array.from({ length: n }, (_, i) => ({ i, text: 'x'.repeat(size) }));

  it('returns `limit` rows and says whether the query found one more', () => {
    expect(fitPage(rows(4), 3)).toEqual({ page: rows(3), more: true });
    expect(fitPage(rows(3), 3)).toEqual({ page: rows(3), more: false });
    expect(fitPage([], 3)).toEqual({ page: [], more: false });
  });

  it('stops before the page outgrows the byte budget, keeping at least one row', () => {
    const big = rows(10, 1000);
    const sut = fitPage(big, 10, 3500);
    expect(sut.page).toHaveLength(3);
    expect(sut.more).toBe(true);
    expect(fitPage(rows(2, 5000), 10, 1000)).toEqual({ page: rows(1, 5000), more: true });
  });
});
