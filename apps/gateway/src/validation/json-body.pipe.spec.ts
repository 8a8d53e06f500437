import { ErrorCode, RegisterApplicationRequest } from '@carevault/contracts';
import { ProblemException } from '../errors/problem.exception';
import { JsonBodyPipe, MAX_BODY_DEPTH, nestingDepth } from './json-body.pipe';

describe('nestingDepth', () => {
  it('counts object and array levels, primitives not', () => {
    expect(nestingDepth('x', 10)).toBe(0);
    expect(nestingDepth({}, 10)).toBe(1);
    expect(nestingDepth({ a: [{ b: 1 }] }, 10)).toBe(3);
  });

  it('stops counting past the limit (no recursion on a crafted nest)', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 200_000; i++) deep = { a: deep };
    expect(nestingDepth(deep, 5)).toBe(6);
  });
});

describe(JsonBodyPipe.name, () => {
  const sut = new JsonBodyPipe();
  const meta = { type: 'body' as const, metatype: RegisterApplicationRequest };
  const rejects = async (value: unknown) => {
    const err = await sut.transform(value, meta).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProblemException);
    expect((err as ProblemException).code).toBe(ErrorCode.VALIDATION_FAILED);
    return (err as ProblemException).errors ?? [];
  };

  describe('transform', () => {
    it.each([[[]], ['x'], [null], [undefined], [3]])('refuses %p: the body must be an object', async (value) => {
      expect(await rejects(value)).toEqual([{ field: 'body', message: 'body must be a JSON object' }]);
    });

    it('refuses bodies nested deeper than the limit', async () => {
      let deep: unknown = 1;
      for (let i = 0; i < MAX_BODY_DEPTH + 2; i++) deep = { a: deep };
      expect(await rejects({ rules: [deep] })).toEqual([{ field: 'body', message: `body must not nest deeper than ${MAX_BODY_DEPTH} levels` }]);
    });

    it('names nested and unknown fields', async () => {
      const errors = await rejects({ name: 'x', kind: 'web', redirectUris: [], rules: [{ name: 'r', reason: 'r', dataTypes: ['Observation'], permissions: ['read'], mode: 'never', required: true }], bogus: 1 });
      expect(errors.map((e) => e.field).sort()).toEqual(['bogus', 'rules.0.mode']);
    });

    it('returns an instance of the class for a valid body', async () => {
      const body = { name: 'x', kind: 'device', redirectUris: [], rules: [{ name: 'r', reason: 'r', dataTypes: ['Observation'], permissions: ['read'], mode: 'offline', required: true }] };
      const out = await sut.transform(body, meta);
      expect(out).toBeInstanceOf(RegisterApplicationRequest);
      expect(JSON.parse(JSON.stringify(out))).toEqual(body);
    });
  });
});
