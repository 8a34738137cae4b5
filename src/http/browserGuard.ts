import type { IncomingMessage, ServerResponse } from 'node:http';
import { isIP } from 'node:net';

/**
 * Keeps web pages away from the emulator (issue 18). With auth off every request is honoured,
 * so without this any page the developer opens could delete queues with an `<img>` GET,
 * reset everything with a cross-site POST, or read messages after rebinding its own DNS name
 * to 127.0.0.1. Browsers label their requests (`Origin`, `Sec-Fetch-Site`) and pages cannot
 * forge those labels; SDKs and the CLI send neither, so they are never affected.
 *
 * Rules, in order:
 * 1. Host allow-list (DNS rebinding): loopback names and addresses always (and LocalStack's
 *    localhost.localstack.cloud); any Host when
 *    listening on all interfaces, unless `--allowed-hosts` narrows it; the listen address
 *    itself when it is a specific one; plus `--allowed-hosts`.
 * 2. An `Origin` other than the emulator's own is refused unless `--cors-origins` lists it;
 *    a listed origin gets CORS headers and its preflight answered here.
 * 3. Without `Origin`, `Sec-Fetch-Site: cross-site` or `same-site` is refused (unless
 *    `--cors-origins *`); `same-origin` and `none` (typed address, bookmark) pass.
 */

export interface BrowserGuardSettings {
  /** The address the server listens on (`--host`). */
  readonly listenHost: string;
  /** `--allowed-hosts`: extra Host names (no port); `.example.com` also covers its subdomains; `*` any. */
  readonly allowedHosts?: readonly string[];
  /** `--cors-origins`: browser origins allowed to call the emulator; `*` any. Default none. */
  readonly corsOrigins?: readonly string[];
}

/** Why a request was refused; the text goes into the 403 answer. */
export class Refusal {
  constructor(readonly message: string) {}
}

/** The guard answered the request itself (a CORS preflight). */
export const ANSWERED = Symbol('answered');

export type Verdict = undefined | Refusal | typeof ANSWERED;

export class GuardOptionError extends Error {}

const CORS_METHODS = 'GET, HEAD, POST, PUT, PATCH, DELETE';
// What the AWS SDK for JavaScript sends from a browser.
const CORS_HEADERS = [
  'x-amz-target',
  'content-type',
  'authorization',
  'x-amz-date',
  'x-amz-security-token',
  'x-amz-content-sha256',
  'amz-sdk-invocation-id',
  'amz-sdk-request',
  'x-amz-user-agent',
  'x-amzn-trace-id',
  'accept',
].join(', ');
const CORS_EXPOSE = 'x-amzn-requestid, x-amzn-query-error';

/** Header values echoed in a refusal are cut: they are the caller's text. */
const shown = (value: string): string => (value.length > 100 ? `${value.slice(0, 100)}…` : value);

/** `[::1]:9324` → `::1`, `Localhost.:9324` → `localhost`; `undefined` when malformed. */
export function hostName(host: string): string | undefined {
  let name: string;
  if (host.startsWith('[')) {
    const end = host.indexOf(']');
    if (end < 0) return undefined;
    const rest = host.slice(end + 1);
    if (rest !== '' && !/^:\d{1,5}$/.test(rest)) return undefined;
    name = host.slice(1, end);
    return isIP(name) === 6 ? name.toLowerCase() : undefined;
  }
  const colon = host.indexOf(':');
  if (colon >= 0) {
    if (!/^\d{1,5}$/.test(host.slice(colon + 1))) return undefined;
    name = host.slice(0, colon);
  } else {
    name = host;
  }
  // A fully qualified name's trailing dot names the same host (`localhost.`).
  if (name.endsWith('.')) name = name.slice(0, -1);
  if (name === '' || !/^[a-z0-9._-]+$/i.test(name)) return undefined;
  return name.toLowerCase();
}

const LOCALSTACK_LOOPBACK = 'localhost.localstack.cloud';

/**
 * localhost, *.localhost (RFC 6761: always loopback), 127.0.0.0/8 and ::1; and LocalStack's
 * public name for 127.0.0.1 with its subdomains, which its queue URLs use (`standard`,
 * `domain` strategies): only LocalStack controls that DNS zone, not a hostile page.
 */
export function isLoopback(name: string): boolean {
  if (name === 'localhost' || name.endsWith('.localhost') || name === '::1') return true;
  if (name === LOCALSTACK_LOOPBACK || name.endsWith(`.${LOCALSTACK_LOOPBACK}`)) return true;
  return isIP(name) === 4 && name.startsWith('127.');
}


const ALL_INTERFACES: ReadonlySet<string> = new Set(['0.0.0.0', '::', '']);

/** Parses `--allowed-hosts`: comma-separated names or addresses without ports, `.suffix`, or `*`. */
export function parseAllowedHosts(raw: string, source: string): string[] {
  return list(raw).map((entry) => {
    if (entry === '*') return entry;
    const bare = entry.startsWith('[') && entry.endsWith(']') ? entry.slice(1, -1) : entry;
    if (isIP(bare) === 6) return bare.toLowerCase();
    const name = entry.startsWith('.') ? entry.slice(1) : entry;
    if (!/^[a-z0-9_-]+(\.[a-z0-9_-]+)*$/i.test(name)) {
      throw new GuardOptionError(`${source}: "${entry}" is not a host name or address (no port, no scheme; ".example.com" for subdomains, * for any)`);
    }
    return entry.toLowerCase();
  });
}

/** Parses `--cors-origins`: comma-separated `scheme://host[:port]`, or `*`. */
export function parseCorsOrigins(raw: string, source: string): string[] {
  return list(raw).map((entry) => {
    if (entry === '*') return entry;
    const trimmed = entry.endsWith('/') ? entry.slice(0, -1) : entry;
    let origin: string | undefined;
    try {
      const url = new URL(trimmed);
      if (url.protocol === 'http:' || url.protocol === 'https:') origin = url.origin;
    } catch {
      origin = undefined;
    }
    // The origin as browsers send it: lower-case host, no default port, no path.
    if (origin === undefined || origin !== trimmed.toLowerCase()) {
      throw new GuardOptionError(`${source}: "${entry}" is not an origin like http://localhost:3000 (scheme, host and port only; * for any)`);
    }
    return origin;
  });
}

function list(raw: string): string[] {
  return raw
    .split(',')
    .map((e) => e.trim())
    .filter((e) => e !== '');
}

export class BrowserGuard {
  /** Any Host passes (all interfaces without --allowed-hosts, or `*`). */
  private readonly anyHost: boolean;
  private readonly hostNames: ReadonlySet<string>;
  private readonly hostSuffixes: readonly string[];
  /** Verdicts per Host header value: one Map lookup per request once a name was seen. */
  private readonly hostVerdicts = new Map<string, boolean>();
  private readonly anyOrigin: boolean;
  private readonly origins: ReadonlySet<string>;

  constructor(settings: BrowserGuardSettings) {
    const allowed = settings.allowedHosts ?? [];
    const listen = settings.listenHost.startsWith('[') ? settings.listenHost.slice(1, -1) : settings.listenHost;
    const allInterfaces = ALL_INTERFACES.has(listen);
    this.anyHost = allowed.includes('*') || (allInterfaces && allowed.length === 0);
    const names = new Set(allowed.filter((h) => !h.startsWith('.')));
    if (!allInterfaces) names.add(listen.toLowerCase());
    this.hostNames = names;
    this.hostSuffixes = allowed.filter((h) => h.startsWith('.'));
    const origins = settings.corsOrigins ?? [];
    this.anyOrigin = origins.includes('*');
    this.origins = new Set(origins);
  }

  /**
   * `undefined`: let the request through (with CORS headers already set on `res` when it
   * comes from a listed origin); `ANSWERED`: a preflight, answered; a Refusal: answer 403.
   */
  admit(req: IncomingMessage, res: ServerResponse): Verdict {
    const headers = req.headers;
    const host = headers.host;
    if (!this.anyHost && host !== undefined && !this.hostAllowed(host)) {
      return new Refusal(
        `Request refused: Host ${shown(host)} is not a name of this emulator (a web page may have rebound its own name to it). Use localhost or 127.0.0.1, or add the name to --allowed-hosts.`,
      );
    }
    const origin = headers.origin;
    const site = headers['sec-fetch-site'];
    if (origin === undefined) {
      if (site === undefined || this.anyOrigin || (site !== 'cross-site' && site !== 'same-site')) return undefined;
      return new Refusal(
        `Request refused: a web page on another site sent it (Sec-Fetch-Site ${site}). Browsers may call the emulator only from its own pages or from origins listed in --cors-origins.`,
      );
    }
    if (host !== undefined && isOwnOrigin(origin, host, headers['x-forwarded-proto'])) return undefined;
    if (!this.anyOrigin && !this.origins.has(origin)) {
      return new Refusal(
        `Request refused: a web page on another origin sent it (Origin ${shown(origin)}). Browsers may call the emulator only from its own pages or from origins listed in --cors-origins.`,
      );
    }
    res.setHeader('access-control-allow-origin', origin);
    res.setHeader('vary', 'Origin');
    if (req.method === 'OPTIONS' && headers['access-control-request-method'] !== undefined) {
      res.writeHead(204, {
        'access-control-allow-methods': CORS_METHODS,
        'access-control-allow-headers': CORS_HEADERS,
        'access-control-max-age': '600',
        'content-length': '0',
      });
      res.end();
      return ANSWERED;
    }
    res.setHeader('access-control-expose-headers', CORS_EXPOSE);
    return undefined;
  }

  private hostAllowed(host: string): boolean {
    const known = this.hostVerdicts.get(host);
    if (known !== undefined) return known;
    const name = hostName(host);
    const verdict =
      name !== undefined && (isLoopback(name) || this.hostNames.has(name) || this.hostSuffixes.some((s) => name.endsWith(s) || name === s.slice(1)));
    if (this.hostVerdicts.size >= 256) this.hostVerdicts.clear(); // Host headers are caller-chosen: keep the cache bounded.
    this.hostVerdicts.set(host, verdict);
    return verdict;
  }
}

/** `Origin` equals `scheme://Host` of this request (the address the page was loaded from), compared without allocating. */
function isOwnOrigin(origin: string, host: string, forwardedProto: string | string[] | undefined): boolean {
  const scheme = forwardedProto === 'https' ? 'https://' : 'http://';
  return origin.length === scheme.length + host.length && origin.startsWith(scheme) && origin.endsWith(host);
}
