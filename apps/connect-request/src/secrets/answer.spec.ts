import { AnswerHasher, normalizeAnswer } from './answer';

describe('answers', () => {
  describe(normalizeAnswer.name, () => {
    it.each([
      ['  Blue  ', 'blue'],
      ['Mount   Everest', 'mount everest'],
      ['New\tYork\n City', 'new york city'],
      ['CAFÉ', 'café'],
      ['Cafe\u0301', 'café'],
      ['ＦＩＤＯ', 'fido'],
      ['Straße', 'straße'],
      ['a\u00a0b', 'a b'],
    ])('normalizes %j to %j', (given, expected) => {
      expect(normalizeAnswer(given)).toBe(expected);
    });

    it('leaves nothing of a blank answer', () => {
      expect(normalizeAnswer(' \t\n ')).toBe('');
    });
  });

  describe(AnswerHasher.name, () => {
    const sut = new AnswerHasher();

    it('hashes with Argon2id and accepts the answer however it is typed', async () => {
      const hash = await sut.hash(normalizeAnswer('Mount Everest'));
      expect(hash).toMatch(/^\$argon2id\$/);
      expect(await sut.verify(hash, normalizeAnswer('  mount   EVEREST '))).toBe(true);
      expect(await sut.verify(hash, normalizeAnswer('Mount Kilimanjaro'))).toBe(false);
    });
  });
});
