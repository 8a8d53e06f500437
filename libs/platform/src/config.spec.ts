import { IsIn } from 'class-validator';
import { BaseEnv, ConfigError, loadConfig } from './config';

class SampleEnv extends BaseEnv {
  @IsIn(['a', 'b'])
  MODE = 'a';
}

describe(loadConfig.name, () => {
  it('applies defaults when variables are unset or empty', () => {
    const sut = loadConfig('sample', SampleEnv, { MODE: '' });
    expect(sut.DATABASE_URL).toBe('postgres://root@127.0.0.1:5432/carevault');
    expect(sut.MODE).toBe('a');
  });

  it('lists every bad variable in one error', () => {
    let error: unknown;
    try {
      loadConfig('sample', SampleEnv, { DATABASE_URL: 'mysql://x', NATS_URL: 'http://x', MODE: 'c' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems.join('\n');
    expect(problems).toMatch(/DATABASE_URL/);
    expect(problems).toMatch(/NATS_URL/);
    expect(problems).toMatch(/MODE/);
    expect((error as ConfigError).problems).toHaveLength(3);
  });

  it('accepts a list of NATS servers', () => {
    expect(loadConfig('sample', SampleEnv, { NATS_URL: 'nats://a:4222,nats://b:4222' }).NATS_URL).toBe('nats://a:4222,nats://b:4222');
  });
});
