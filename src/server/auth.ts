/**
 * The authentication seam: every HTTP API request and WebSocket upgrade passes an `Authenticator`
 * and (upgrades only) the Origin allow-list before anything else happens.
 */
import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export type AuthResult = { ok: true; principal: string } | { ok: false; message: string };

/** Decides whether a request may proceed. Must not log credentials. */
export type Authenticator = (req: IncomingMessage) => AuthResult;

/** Lets everyone in (demo mode, loopback use). */
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

/**
 * Origin check for WebSocket upgrades (cross-site WebSocket hijacking). Allowed: no Origin header
 * (non-browser clients), an Origin whose host equals the request's Host (same origin), an Origin
 * in `allowed`, or anything when `allowed` contains `*`.
 */
export function originAllowed(req: IncomingMessage, allowed: readonly string[]): boolean {
  const origin = req.headers.origin;
  if (origin === undefined || origin === '') return true;
  if (allowed.includes('*') || allowed.includes(origin)) return true;
  try {
    return new URL(origin).host === req.headers.host;
  } catch {
    return false;
  }
}
