import { ConfigError } from '@carevault/platform';
import { loadGatewayConfig } from './config';

const valid = { ADMIN_TOKEN: 'a'.repeat(16), COOKIE_SECRET: 'c'.repeat(32) };

describe('loadGatewayConfig', () => {
  it('defaults PORT to 8080 and PUBLIC_URL to http://localhost:PORT', () => {
    const sut = loadGatewayConfig(valid);
    expect(sut.PORT).toBe('8080');
    expect(sut.PUBLIC_URL).toBe('http://localhost:8080');
    expect(loadGatewayConfig({ ...valid, PORT: '9000' }).PUBLIC_URL).toBe('http://localhost:9000');
  });

  it('drops a trailing slash of PUBLIC_URL', () => {
    expect(loadGatewayConfig({ ...valid, PUBLIC_URL: 'https://cv.example/' }).PUBLIC_URL).toBe('https://cv.example');
  });

  it('lists every bad variable in one error', () => {
    let caught: unknown;
    try {
      loadGatewayConfig({ ADMIN_TOKEN: 'short', PORT: 'eighty', PUBLIC_URL: 'ftp://x' });
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    const problems = (caught as ConfigError).problems;
    expect(problems).toEqual(
      expect.arrayContaining([
        'PORT must be a port number',
        'PUBLIC_URL must be an http:// or https:// URL',
        'ADMIN_TOKEN is required: at least 16 characters, no spaces',
        'COOKIE_SECRET is required: at least 32 characters',
      ]),
    );
    expect(problems).toHaveLength(4);
  });
});
