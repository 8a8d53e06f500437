import type { ArgumentMetadata } from '@nestjs/common';
import { RpcException } from '@nestjs/microservices';
import { type FieldError, type Rule, RegisterApplicationRequest, ReplaceRulesRequest, AccessMode, Permission } from '@carevault/contracts';
import { RpcValidationPipe } from '@carevault/platform';
import { applicationProblems, redirectUriProblem, ruleSetProblems, webhookUrlProblem } from './application-validation';

const rule = (over: Partial<Rule> = {}): Rule => ({
  name: 'read-meds',
  reason: 'to show your medications',
  dataTypes: ['MedicationStatement'],
  permissions: [Permission.Read],
  mode: AccessMode.Online,
  required: true,
  ...over,
});

const webApp = (over: Record<string, unknown> = {}) => ({
  name: 'Pharmacy',
  kind: 'web',
  redirectUris: ['https://pharmacy.example/cb'],
  rules: [rule()],
  ...over,
});

/** What the caller sees from the global pipe: the field errors, or [] when the payload passes. */
async function pipeErrors(cls: new () => object, payload: unknown): Promise<FieldError[]> {
  const sut = new RpcValidationPipe();
  try {
    await sut.transform(payload, { type: 'body', metatype: cls } as ArgumentMetadata);
    return [];
  } catch (err) {
    expect(err).toBeInstanceOf(RpcException);
    const body = (err as RpcException).getError() as { code: string; errors: FieldError[] };
    expect(body.code).toBe('VALIDATION_FAILED');
    return body.errors;
  }
}
const fields = (errors: FieldError[]) => [...new Set(errors.map((e) => e.field))].sort();

describe('RegisterApplicationRequest (contract shape, through RpcValidationPipe)', () => {
  it('accepts a well-formed web application', async () => {
    expect(await pipeErrors(RegisterApplicationRequest, webApp())).toEqual([]);
  });

  it.each([
    ['a string', 'hello'],
    ['null', null],
    ['an array', [1, 2]],
    ['an empty object', {}],
  ])('rejects %s as the body, naming the required fields', async (_what, payload) => {
    expect(fields(await pipeErrors(RegisterApplicationRequest, payload))).toEqual(['kind', 'name', 'redirectUris', 'rules']);
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['empty name', { name: '  ' }, 'name'],
    ['unknown kind', { kind: 'desktop' }, 'kind'],
    ['redirectUris not an array', { redirectUris: 'https://x.example' }, 'redirectUris'],
    ['non-string webhookUrl', { webhookUrl: 42 }, 'webhookUrl'],
    ['no rules', { rules: [] }, 'rules'],
    ['a rule that is not an object', { rules: [rule(), 'read everything'] }, 'rules.1'],
    ['empty permissions', { rules: [rule(), rule({ name: 'b', permissions: [] })] }, 'rules.1.permissions'],
    ['unknown permission', { rules: [rule({ permissions: ['read', 'share'] as Permission[] })] }, 'rules.0.permissions'],
    ['unknown mode', { rules: [rule({ mode: 'sometimes' as AccessMode })] }, 'rules.0.mode'],
    ['required not boolean', { rules: [rule({ required: 'yes' as unknown as boolean })] }, 'rules.0.required'],
    ['empty reason', { rules: [rule({ reason: ' ' })] }, 'rules.0.reason'],
    ['empty data types', { rules: [rule({ dataTypes: [] })] }, 'rules.0.dataTypes'],
    ['non-string data type', { rules: [rule({ dataTypes: [7 as unknown as string] })] }, 'rules.0.dataTypes'],
  ])('names the field for %s', async (_what, over, field) => {
    expect(fields(await pipeErrors(RegisterApplicationRequest, webApp(over)))).toEqual([field]);
  });

  it('validates ReplaceRulesRequest the same way and needs a UUID appId', async () => {
    expect(fields(await pipeErrors(ReplaceRulesRequest, { appId: 'nope', rules: [rule({ mode: 'x' as AccessMode })] }))).toEqual([
      'appId',
      'rules.0.mode',
    ]);
  });
});

describe('applicationProblems (domain checks)', () => {
  const problems = (over: Record<string, unknown>) => fields(applicationProblems(webApp(over) as never));

  it('finds nothing wrong with a good web application', () => {
    expect(problems({})).toEqual([]);
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['a web app without redirect URIs', { redirectUris: [] }, 'redirectUris'],
    ['a relative redirect URI', { redirectUris: ['https://a.example/cb', '/cb'] }, 'redirectUris.1'],
    ['an http redirect URI on a public host', { redirectUris: ['http://a.example/cb'] }, 'redirectUris.0'],
    ['a redirect URI with a fragment', { redirectUris: ['https://a.example/cb#x'] }, 'redirectUris.0'],
    ['a redirect URI with an empty fragment', { redirectUris: ['https://a.example/cb#'] }, 'redirectUris.0'],
    ['a custom-scheme redirect URI', { redirectUris: ['javascript:alert(1)'] }, 'redirectUris.0'],
    ['a duplicate redirect URI', { redirectUris: ['https://a.example/cb', 'https://a.example/cb'] }, 'redirectUris.1'],
    ['a webhook URL with credentials', { webhookUrl: 'https://user:pw@hooks.example/x' }, 'webhookUrl'],
    ['a non-http webhook URL', { webhookUrl: 'ftp://hooks.example/x' }, 'webhookUrl'],
    ['a relative webhook URL', { webhookUrl: 'hooks/x' }, 'webhookUrl'],
    ['duplicate rule names', { rules: [rule(), rule({ reason: 'again' })] }, 'rules.1.name'],
    ['an unknown data type', { rules: [rule({ dataTypes: ['Observation', 'Medicine'] })] }, 'rules.0.dataTypes.1'],
    ['a duplicate data type', { rules: [rule({ dataTypes: ['Observation', 'Observation'] })] }, 'rules.0.dataTypes.1'],
    ['a duplicate permission', { rules: [rule({ permissions: [Permission.Read, Permission.Update, Permission.Read] })] }, 'rules.0.permissions.2'],
  ])('names the field for %s', (_what, over, field) => {
    expect(problems(over)).toEqual([field]);
  });

  it('accepts http redirect URIs on localhost and 127.0.0.1 only', () => {
    expect(redirectUriProblem('http://localhost:3000/cb')).toBeNull();
    expect(redirectUriProblem('http://127.0.0.1:8080/cb')).toBeNull();
    expect(redirectUriProblem('http://localhost.evil.example/cb')).toMatch(/https/);
    expect(webhookUrlProblem('http://hooks.example/in')).toBeNull();
  });

  it('lets a device application have no redirect URIs but only offline rules', () => {
    const device = { kind: 'device' as const, redirectUris: [], rules: [rule({ mode: AccessMode.Offline }), rule({ name: 'b' })] };
    expect(fields(applicationProblems(device))).toEqual(['rules.1.mode']);
  });

  it('reports every problem at once', () => {
    const bad = [rule({ dataTypes: ['Nope'] }), rule({ permissions: [Permission.Read, Permission.Read] })];
    expect(fields(ruleSetProblems(bad, 'web'))).toEqual(['rules.0.dataTypes.0', 'rules.1.name', 'rules.1.permissions.1']);
  });
});
