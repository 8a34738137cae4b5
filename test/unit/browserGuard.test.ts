/**
 * The browser guard's rules (src/http/browserGuard.ts), request by request: which Host names,
 * Origins and Sec-Fetch-Site values pass, per listen address and option. The wire answers
 * (AWS-shaped 403s) are in test/integration/browserGuard.test.ts, a real browser in
 * test/dx/browserGuard.test.ts.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  ANSWERED,
  BrowserGuard,
  GuardOptionError,
  hostName,
  isLoopback,
  parseAllowedHosts,
  parseCorsOrigins,
  Refusal,
  type BrowserGuardSettings,
  type Verdict,
} from '../../src/http/browserGuard.js';

/** What the guard wrote on the response. */
interface Written {
  headers: Record<string, string>;
  status?: number;
  ended: boolean;
}

function check(settings: BrowserGuardSettings, headers: Record<string, string>, method = 'GET'): { verdict: Verdict; written: Written } {
  const written: Written = { headers: {}, ended: false };
  const res = {
    setHeader(name: string, value: string) {
      written.headers[name] = value;
    },
    writeHead(status: number, h: Record<string, string>) {
      written.status = status;
      Object.assign(written.headers, h);
    },
    end() {
      written.ended = true;
    },
  } as unknown as ServerResponse;
  const req = { method, headers } as unknown as IncomingMessage;
  return { verdict: new BrowserGuard(settings).admit(req, res), written };
}

const passes = (settings: BrowserGuardSettings, headers: Record<string, string>, method?: string): boolean => {
  const { verdict } = check(settings, headers, method);
  if (verdict === ANSWERED) throw new Error('answered, not passed');
  return verdict === undefined;
};

const LOOPBACK: BrowserGuardSettings = { listenHost: '127.0.0.1' };

describe('Host allow-list (DNS rebinding)', () => {
  test.each([
    'localhost:9324',
    'LOCALHOST:9324',
    'localhost',
    'localhost.:9324',
    'app.localhost:9324',
    '127.0.0.1:9324',
    '127.0.0.1',
    '127.1.2.3:80',
    '[::1]:9324',
    '[::1]',
    'localhost.localstack.cloud:4566',
    'sqs.eu-west-1.localhost.localstack.cloud:4566',
  ])('loopback %s passes whatever the listen address', (host) => {
    for (const listenHost of ['127.0.0.1', '::1', '192.168.1.20', '0.0.0.0', '::']) {
      expect([listenHost, passes({ listenHost, allowedHosts: ['sqs'] }, { host })]).toEqual([listenHost, true]);
    }
  });

  test.each(['evil.example:9324', 'evil.example', 'sqs:9324', '192.168.1.20:9324', '10.0.0.1', '[fe80::1]:9324', 'localhost.evil.example:9324', '127.0.0.1.evil.example', 'localhost.localstack.cloud.evil.example', 'evillocalhost.localstack.cloud', 'localhost:port', '[::1', '[::1]x', 'a b:1', ''])(
    'listening on loopback, %j is refused',
    (host) => {
      const { verdict } = check(LOOPBACK, { host });
      expect(verdict).toBeInstanceOf(Refusal);
      if (host === 'evil.example:9324') expect((verdict as Refusal).message).toMatch(/Host evil\.example:9324 .*--allowed-hosts/);
    },
  );

  test('listening on all interfaces: any Host (Docker service names), unless --allowed-hosts narrows it', () => {
    for (const listenHost of ['0.0.0.0', '::', '[::]']) {
      expect(passes({ listenHost }, { host: 'sqs:9324' })).toBe(true);
      expect(passes({ listenHost }, { host: 'evil.example:9324' })).toBe(true);
      const narrowed = { listenHost, allowedHosts: ['sqs', '.corp.example'] };
      expect(passes(narrowed, { host: 'sqs:9324' })).toBe(true);
      expect(passes(narrowed, { host: 'sqs' })).toBe(true);
      expect(passes(narrowed, { host: 'corp.example:9324' })).toBe(true);
      expect(passes(narrowed, { host: 'a.b.corp.example:9324' })).toBe(true);
      expect(passes(narrowed, { host: 'evilcorp.example:9324' })).toBe(false);
      expect(passes(narrowed, { host: 'evil.example:9324' })).toBe(false);
      expect(passes(narrowed, { host: 'localhost:9324' })).toBe(true);
    }
  });

  test('listening on a specific address: that address (any port), loopback and --allowed-hosts', () => {
    const v4 = { listenHost: '192.168.1.20' };
    expect(passes(v4, { host: '192.168.1.20:9324' })).toBe(true);
    expect(passes(v4, { host: '192.168.1.20' })).toBe(true);
    expect(passes(v4, { host: '192.168.1.21:9324' })).toBe(false);
    expect(passes(v4, { host: 'myhost:9324' })).toBe(false);
    expect(passes({ ...v4, allowedHosts: ['myhost'] }, { host: 'MyHost:9324' })).toBe(true);
    const v6 = { listenHost: 'fd00::20' };
    expect(passes(v6, { host: '[fd00::20]:9324' })).toBe(true);
    expect(passes(v6, { host: '[FD00::20]:9324' })).toBe(true);
    expect(passes(v6, { host: '[fd00::21]:9324' })).toBe(false);
    expect(passes({ listenHost: '127.0.0.1', allowedHosts: ['*'] }, { host: 'anything:1' })).toBe(true);
  });

  test('a request without Host (HTTP/1.0, not a browser) is not refused for it', () => {
    expect(passes(LOOPBACK, {})).toBe(true);
  });

  test('hostName and isLoopback', () => {
    expect(hostName('[::1]:9324')).toBe('::1');
    expect(hostName('Localhost.:9324')).toBe('localhost');
    expect(hostName('[not-v6]:1')).toBeUndefined();
    expect(hostName('host:99999x')).toBeUndefined();
    expect(isLoopback('127.255.0.1')).toBe(true);
    expect(isLoopback('128.0.0.1')).toBe(false);
    expect(isLoopback('127.example')).toBe(false);
    expect(isLoopback('::1')).toBe(true);
    expect(isLoopback('::2')).toBe(false);
    expect(isLoopback('notlocalhost')).toBe(false);
  });
});

describe('browser requests: Origin and Sec-Fetch-Site', () => {
  const host = '127.0.0.1:9324';

  test('SDKs and the CLI send neither header: they pass', () => {
    expect(passes(LOOPBACK, { host, 'content-type': 'application/x-amz-json-1.0' })).toBe(true);
  });

  test.each(['same-origin', 'none'])('Sec-Fetch-Site %s passes (own pages, typed address, bookmark)', (site) => {
    expect(passes(LOOPBACK, { host, 'sec-fetch-site': site })).toBe(true);
  });

  test.each(['cross-site', 'same-site'])('Sec-Fetch-Site %s without Origin (an <img>, a link) is refused', (site) => {
    const { verdict } = check(LOOPBACK, { host, 'sec-fetch-site': site });
    expect(verdict).toBeInstanceOf(Refusal);
    expect((verdict as Refusal).message).toContain(`Sec-Fetch-Site ${site}`);
  });

  test('an Origin equal to the emulator\'s own passes (the console), IPv6 loopback and https behind a proxy too', () => {
    expect(passes(LOOPBACK, { host, origin: 'http://127.0.0.1:9324', 'sec-fetch-site': 'same-origin' }, 'POST')).toBe(true);
    expect(passes(LOOPBACK, { host: 'localhost:9324', origin: 'http://localhost:9324' }, 'POST')).toBe(true);
    expect(passes({ listenHost: '::1' }, { host: '[::1]:9324', origin: 'http://[::1]:9324' }, 'POST')).toBe(true);
    expect(passes(LOOPBACK, { host: 'localhost', origin: 'http://localhost' }, 'POST')).toBe(true);
    expect(passes(LOOPBACK, { host, origin: 'https://127.0.0.1:9324', 'x-forwarded-proto': 'https' }, 'POST')).toBe(true);
    expect(passes(LOOPBACK, { host, origin: 'https://127.0.0.1:9324' }, 'POST')).toBe(false);
  });

  test.each([
    'http://evil.example',
    'http://127.0.0.1:9325',
    'http://localhost:9324',
    'http://127.0.0.1:93244',
    'http://127.0.0.1:932',
    'null',
  ])('another Origin (%s) is refused, whatever Sec-Fetch-Site says', (origin) => {
    for (const site of [undefined, 'cross-site', 'same-site', 'same-origin']) {
      const headers: Record<string, string> = { host, origin };
      if (site) headers['sec-fetch-site'] = site;
      const { verdict } = check(LOOPBACK, headers, 'POST');
      expect(verdict).toBeInstanceOf(Refusal);
      expect((verdict as Refusal).message).toContain(`Origin ${origin}`);
    }
  });

  test('a long Origin is cut in the message', () => {
    const { verdict } = check(LOOPBACK, { host, origin: 'http://' + 'a'.repeat(500) }, 'POST');
    expect((verdict as Refusal).message.length).toBeLessThan(400);
  });

  test('the Host check comes first: a rebound page\'s own Origin does not help it', () => {
    const { verdict } = check(LOOPBACK, { host: 'evil.example:9324', origin: 'http://evil.example:9324', 'sec-fetch-site': 'same-origin' }, 'POST');
    expect((verdict as Refusal).message).toContain('Host evil.example:9324');
  });
});

describe('--cors-origins', () => {
  const host = '127.0.0.1:9324';
  const app = { listenHost: '127.0.0.1', corsOrigins: ['http://localhost:3000'] };

  test('a listed origin passes with CORS headers; others are still refused', () => {
    const { verdict, written } = check(app, { host, origin: 'http://localhost:3000', 'sec-fetch-site': 'same-site' }, 'POST');
    expect(verdict).toBeUndefined();
    expect(written.headers).toEqual({
      'access-control-allow-origin': 'http://localhost:3000',
      vary: 'Origin',
      'access-control-expose-headers': 'x-amzn-requestid, x-amzn-query-error',
    });
    expect(written.ended).toBe(false);
    expect(passes(app, { host, origin: 'http://localhost:3001' }, 'POST')).toBe(false);
    expect(passes(app, { host, origin: 'https://localhost:3000' }, 'POST')).toBe(false);
    // A listed origin's page cannot be told apart without Origin: an <img> from it is still refused.
    expect(passes(app, { host, 'sec-fetch-site': 'same-site' })).toBe(false);
  });

  test('the preflight of a listed origin is answered: methods, the SDK\'s headers', () => {
    const { verdict, written } = check(
      app,
      { host, origin: 'http://localhost:3000', 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type,x-amz-target' },
      'OPTIONS',
    );
    expect(verdict).toBe(ANSWERED);
    expect(written.status).toBe(204);
    expect(written.ended).toBe(true);
    expect(written.headers['access-control-allow-origin']).toBe('http://localhost:3000');
    expect(written.headers['access-control-allow-methods']!.split(', ')).toEqual(expect.arrayContaining(['GET', 'POST']));
    expect(written.headers['access-control-allow-headers']!.split(', ')).toEqual(
      expect.arrayContaining([
        'x-amz-target',
        'content-type',
        'authorization',
        'x-amz-date',
        'x-amz-security-token',
        'amz-sdk-invocation-id',
        'amz-sdk-request',
        'x-amz-user-agent',
      ]),
    );
  });

  test('the preflight of another origin is refused; OPTIONS without a requested method is not a preflight', () => {
    const other = check(app, { host, origin: 'http://evil.example', 'access-control-request-method': 'POST' }, 'OPTIONS');
    expect(other.verdict).toBeInstanceOf(Refusal);
    expect(other.written.headers).toEqual({});
    expect(check(app, { host, origin: 'http://localhost:3000' }, 'OPTIONS').verdict).toBeUndefined();
  });

  test('* lets any origin through, and cross-site requests without Origin', () => {
    const any = { listenHost: '127.0.0.1', corsOrigins: ['*'] };
    const { verdict, written } = check(any, { host, origin: 'http://evil.example' }, 'POST');
    expect(verdict).toBeUndefined();
    expect(written.headers['access-control-allow-origin']).toBe('http://evil.example');
    expect(passes(any, { host, 'sec-fetch-site': 'cross-site' })).toBe(true);
    // It does not open the Host check.
    expect(passes(any, { host: 'evil.example:9324', origin: 'http://evil.example:9324' })).toBe(false);
  });
});

describe('option parsing', () => {
  test('--cors-origins: origins as browsers send them, or *', () => {
    expect(parseCorsOrigins('http://localhost:3000, https://app.example/ ,*,http://Localhost:3001', 'x')).toEqual([
      'http://localhost:3000',
      'https://app.example',
      '*',
      'http://localhost:3001',
    ]);
    expect(parseCorsOrigins('', 'x')).toEqual([]);
    for (const bad of ['localhost:3000', 'http://localhost:3000/app', 'ftp://x', 'null', 'http://localhost:80', 'http://user@localhost:3000']) {
      expect(() => parseCorsOrigins(bad, '--cors-origins')).toThrow(GuardOptionError);
    }
    expect(() => parseCorsOrigins('http://localhost:3000/app', '--cors-origins')).toThrow(
      '--cors-origins: "http://localhost:3000/app" is not an origin like http://localhost:3000 (scheme, host and port only; * for any)',
    );
  });

  test('--allowed-hosts: names, addresses, .suffix, *; no ports or schemes', () => {
    expect(parseAllowedHosts('sqs, SQS-Emulator,.corp.example,10.0.0.5,[FD00::1],::2,*', 'x')).toEqual(['sqs', 'sqs-emulator', '.corp.example', '10.0.0.5', 'fd00::1', '::2', '*']);
    for (const bad of ['sqs:9324', 'http://sqs', 'a b', 'a..b', '.']) {
      expect(() => parseAllowedHosts(bad, '--allowed-hosts')).toThrow(GuardOptionError);
    }
  });
});
