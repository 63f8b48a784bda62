/**
 * The authentication seam: every HTTP API request and WebSocket upgrade passes the Host and Origin
 * guard (DNS rebinding, cross-site WebSocket hijacking) and an `Authenticator` before anything else
 * happens.
 */
import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { isIPv4, isIPv6 } from 'node:net';

export type AuthResult = { ok: true; principal: string } | { ok: false; message: string };

/** Decides whether a request may proceed. Must not log credentials. */
export type Authenticator = (req: IncomingMessage) => AuthResult;

/** Lets everyone in who passes the Host/Origin guard (loopback use, the demo). */
export const allowAll: Authenticator = () => ({ ok: true, principal: 'anonymous' });

function bearerFrom(req: IncomingMessage): string | null {
  const header = req.headers.authorization;
  if (typeof header === 'string') {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (m?.[1] !== undefined) return m[1];
  }
  // Browsers cannot set headers on a WebSocket: accept the token as a query parameter too.
  const url = new URL(req.url ?? '/', 'http://x');
  return url.searchParams.get('access_token');
}

/**
 * A static bearer token (`Authorization: Bearer <token>` or `?access_token=<token>`), compared in
 * constant time.
 */
export function staticToken(token: string): Authenticator {
  const want = Buffer.from(token, 'utf8');
  return (req) => {
    const got = bearerFrom(req);
    if (got === null)
      return { ok: false, message: 'PP_ERR_UNAUTHORIZED: a bearer token is required' };
    const have = Buffer.from(got, 'utf8');
    if (have.length !== want.length || !timingSafeEqual(have, want))
      return { ok: false, message: 'PP_ERR_UNAUTHORIZED: the bearer token is not valid' };
    return { ok: true, principal: 'token' };
  };
}

/** Lower-case host name of a Host header or URL host (port and IPv6 brackets removed), or null. */
export function hostnameOf(host: string | undefined): string | null {
  if (host === undefined || host === '') return null;
  try {
    const name = new URL(`http://${host}`).hostname.toLowerCase();
    return name.startsWith('[') && name.endsWith(']') ? name.slice(1, -1) : name;
  } catch {
    return null;
  }
}

/** `localhost`, 127.0.0.0/8, `::1` (and 127.x mapped into IPv6): names only this machine reaches. */
export function isLoopbackHostname(name: string): boolean {
  if (name === 'localhost' || name === '::1') return true;
  const v4 = name.startsWith('::ffff:') ? name.slice(7) : name;
  return isIPv4(v4) && v4.startsWith('127.');
}

function originHost(origin: string): string | null {
  try {
    return new URL(origin).host;
  } catch {
    return null;
  }
}

/** Host names a wildcard listen address stands for: they are no name a client would send. */
const wildcards = new Set(['', '0.0.0.0', '::', '[::]']);

/**
 * The DNS-rebinding guard, in front of the data routes (`/api/*`) and WebSocket upgrades, the way
 * `kubectl proxy --accept-hosts` guards its port. A web page on any site can make a browser send
 * requests to 127.0.0.1 under a name the attacker controls (rebinding that name to 127.0.0.1), and
 * read the answers, since to the browser it is the page's own origin. The Host header still
 * carries the attacker's name, so:
 *
 * - `hosts`: the Host names accepted; null accepts any (a bearer token guards the server instead).
 * - Origin: no Origin (not a browser) passes; an Origin listed in `origins` (or `*`) passes; an
 *   Origin of the same host and port as the request passes only when that Host is accepted.
 */
export interface HostGuard {
  /** null when the request may proceed, else why not (HTTP 403). */
  check(
    req: Pick<IncomingMessage, 'headers'>,
  ): { code: 'PP_ERR_HOST' | 'PP_ERR_ORIGIN'; message: string } | null;
  /** Accepts the listen address's host as well (called once the server listens). */
  addHost(host: string): void;
}

/**
 * `allowHosts` null: any Host (use with an authenticator). Otherwise loopback names plus
 * `allowHosts` (`*` accepts any) plus what `addHost` adds.
 */
export function createHostGuard(
  allowHosts: readonly string[] | null,
  allowOrigins: readonly string[],
): HostGuard {
  const anyHost = allowHosts === null || allowHosts.includes('*');
  const hosts = new Set<string>();
  for (const h of allowHosts ?? []) {
    const name = hostnameOf(h);
    if (name !== null) hosts.add(name);
  }
  const hostOk = (name: string | null): boolean =>
    anyHost || (name !== null && (isLoopbackHostname(name) || hosts.has(name)));
  return {
    addHost(host) {
      if (wildcards.has(host)) return;
      const name = hostnameOf(isIPv6(host) ? `[${host}]` : host);
      if (name !== null) hosts.add(name);
    },
    check(req) {
      const host = req.headers.host;
      if (!hostOk(hostnameOf(host)))
        return {
          code: 'PP_ERR_HOST',
          message: `PP_ERR_HOST: Host ${JSON.stringify(host ?? '')} is not accepted without a token (loopback names, the listen address and allowed hosts only)`,
        };
      const origin = req.headers.origin;
      if (origin === undefined || origin === '') return null;
      if (allowOrigins.includes('*') || allowOrigins.includes(origin)) return null;
      if (host !== undefined && originHost(origin) === host.toLowerCase()) return null;
      return {
        code: 'PP_ERR_ORIGIN',
        message: `PP_ERR_ORIGIN: Origin ${JSON.stringify(origin.slice(0, 200))} is not allowed (--allow-origin)`,
      };
    },
  };
}
