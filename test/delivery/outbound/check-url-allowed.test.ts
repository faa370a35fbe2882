import { describe, expect, it } from 'vitest';
import { checkUrlAllowed } from '../../../src/delivery/outbound/check-url-allowed.js';

describe('checkUrlAllowed', () => {
  it.each([
    ['https://hooks.example.com/in/abc?x=1'],
    ['http://hooks.example.com:8080/'],
    ['https://8.8.8.8/hook'],
    ['https://[2001:4860:4860::8888]/hook'],
    // A name is resolved at connect time, where the dispatcher refuses private answers.
    ['https://internal.example.com/'],
  ])('allows %s', (url) => {
    expect(checkUrlAllowed(url, false)).toEqual({ ok: true });
  });

  it.each([
    ['not a url', 'not an absolute URL'],
    ['/relative/path', 'not an absolute URL'],
    ['ftp://files.example.com/', 'scheme ftp is not allowed'],
    ['file:///etc/passwd', 'scheme file is not allowed'],
    ['javascript:alert(1)', 'scheme javascript is not allowed'],
    ['https://user:pass@hooks.example.com/', 'credentials in the URL are not allowed'],
    ['https://token@hooks.example.com/', 'credentials in the URL are not allowed'],
  ])('refuses %s whatever the network setting', (url, message) => {
    for (const allowPrivateNetworks of [false, true]) {
      const check = checkUrlAllowed(url, allowPrivateNetworks);
      expect(check.ok).toBe(false);
      if (!check.ok) expect(check.message).toContain(message);
    }
  });

  it.each([
    ['http://localhost:3000/hook', 'localhost'],
    ['http://LOCALHOST./hook', 'localhost.'],
    ['http://api.localhost/hook', 'api.localhost'],
    ['http://127.0.0.1/hook', '127.0.0.1'],
    ['http://0x7f.1/hook', '127.0.0.1'],
    ['http://2130706433/hook', '127.0.0.1'],
    ['http://[::1]:8080/hook', '::1'],
    ['http://[::ffff:127.0.0.1]/hook', '::ffff:7f00:1'],
    ['http://10.1.2.3/hook', '10.1.2.3'],
    ['http://169.254.169.254/latest/meta-data/', '169.254.169.254'],
    ['http://[fd00::1]/hook', 'fd00::1'],
    ['http://0.0.0.0:8080/', '0.0.0.0'],
  ])('refuses the private host of %s unless private networks are allowed', (url, host) => {
    const check = checkUrlAllowed(url, false);
    expect(check.ok).toBe(false);
    if (!check.ok) {
      expect(check.message).toContain(host);
      expect(check.message).not.toContain('/hook');
    }
    expect(checkUrlAllowed(url, true)).toEqual({ ok: true });
  });
});
