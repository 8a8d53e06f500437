import 'reflect-metadata';
import { CreateItemRequest, GetItemRequest, ListItemsRequest, RecordDeniedRequest } from '@carevault/contracts';
import { plainToInstance } from 'class-transformer';
import { IsInt, IsString, Min, validateSync } from 'class-validator';
import { cacheValidationMetadata } from './validation-cache';

const access = (over: Record<string, unknown> = {}) => ({
  recordId: '7d0c3a52-52d5-4f2c-9d3e-0a0b0c0d0e0f',
  appId: '8d0c3a52-52d5-4f2c-9d3e-0a0b0c0d0e0f',
  personId: null,
  instanceId: null,
  mode: 'offline',
  correlationId: 'c-1',
  permissions: { create: ['Observation'], read: ['Observation'], update: [], delete: [] },
  ...over,
});

// Valid and invalid payloads of nested, inherited contract classes (AccessContext extends AccessIdentity).
const CASES: [new () => object, unknown][] = [
  [GetItemRequest, { access: access(), itemId: '9d0c3a52-52d5-4f2c-9d3e-0a0b0c0d0e0f' }],
  [GetItemRequest, { access: access({ recordId: 'nope', mode: 'sideways', permissions: { read: 'x' } }), itemId: 5, extra: true }],
  [GetItemRequest, {}],
  [CreateItemRequest, { access: access(), resource: { resourceType: 'Observation' } }],
  [CreateItemRequest, { access: access({ correlationId: 'x'.repeat(300) }), resource: 'text' }],
  [ListItemsRequest, { access: access(), types: ['Observation'], limit: 0 }],
  [RecordDeniedRequest, { access: access(), permission: 'read', reason: 'No Grant' }],
];

const run = () =>
  CASES.map(([cls, plain]) => {
    const instance = plainToInstance(cls, structuredClone(plain));
    const errors = validateSync(instance, { whitelist: true, validationError: { target: false, value: false } });
    return JSON.stringify({ errors, instance });
  });

describe(cacheValidationMetadata.name, () => {
  it('validates every contract exactly as without the cache, every time', () => {
    const before = run();
    cacheValidationMetadata();
    expect(run()).toEqual(before);
    expect(run()).toEqual(before);
    expect(before.some((r) => r.includes('"constraints"'))).toBe(true);
  });

  it('sees classes (and their parents) declared after it was installed', () => {
    cacheValidationMetadata();
    class Base {
      @IsString() name!: string;
    }
    const baseErrors = validateSync(Object.assign(new Base(), { name: 1 }));
    expect(baseErrors.map((e) => e.property)).toEqual(['name']);
    class Child extends Base {
      @IsInt() @Min(1) count!: number;
    }
    const errors = validateSync(Object.assign(new Child(), { name: 2, count: 0 }));
    expect(errors.map((e) => e.property).sort()).toEqual(['count', 'name']);
    expect(validateSync(Object.assign(new Child(), { name: 'ok', count: 3 }))).toEqual([]);
  });

  it('forgets what it cached when a rule is added to a class it has seen', () => {
    cacheValidationMetadata();
    class Late {
      @IsString() name!: string;
    }
    expect(validateSync(Object.assign(new Late(), { name: 'x', age: -1 }))).toEqual([]);
    Min(0)(Late.prototype, 'age'); // a rule registered after the class was validated once
    expect(validateSync(Object.assign(new Late(), { name: 'x', age: -1 })).map((e) => e.property)).toEqual(['age']);
  });
});
