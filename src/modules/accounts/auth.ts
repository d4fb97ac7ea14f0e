import cookie from '@fastify/cookie';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../../platform/http/errors.ts';
import type { HttpServer } from '../../platform/http/server.ts';
import type { RequestMeta, SellerScope } from './domain.ts';
import type { AccountService, Caller, NewSession } from './service.ts';
import { sameSecret } from './tokens.ts';

export const SESSION_COOKIE = 'smartship_session';
export const CSRF_COOKIE = 'smartship_csrf';
export const CSRF_HEADER = 'x-csrf-token';

declare module 'fastify' {
  interface FastifyRequest {
    /** Who is calling, resolved by the auth hook; undefined on public routes. */
    caller: Caller | undefined;
    /** The caller's scope; reading it on a route nobody signed in to throws 401. */
    readonly scope: SellerScope;
  }
}

const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export function requestMeta(req: FastifyRequest): RequestMeta {
  const ua = req.headers['user-agent'];
  return { ip: req.ip ?? null, userAgent: typeof ua === 'string' ? ua : null };
}

/**
 * The auth hook for `/api/*`: a bearer token or the session cookie becomes `req.caller` and
 * `req.scope`; anything else is 401 unless the route says `config: { public: true }`. A request
 * authenticated by the cookie that changes state must carry the session's CSRF token in
 * `X-CSRF-Token` (the value of the `smartship_csrf` cookie); bearer requests need none, since a
 * browser never adds that header by itself.
 */
export async function registerAuth(app: HttpServer, accounts: AccountService): Promise<void> {
  if (!app.hasRequestDecorator('cookies')) await app.register(cookie);
  app.decorateRequest('caller', undefined);
  app.decorateRequest('scope', {
    getter(this: FastifyRequest) {
      if (!this.caller) throw accounts.unauthenticated();
      return this.caller.scope;
    },
  });

  app.addHook('onRequest', async (req) => {
    const url = req.routeOptions.url;
    if (req.is404 || !url?.startsWith('/api/') || req.routeOptions.config.public === true) return;
    const authorization = req.headers.authorization;
    if (authorization !== undefined) {
      const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
      const caller = match ? await accounts.resolveApiToken(match[1]!) : undefined;
      if (!caller) throw accounts.unauthenticated('The API token is unknown, revoked, or its user is disabled.');
      req.caller = caller;
      return;
    }
    const sessionToken = req.cookies[SESSION_COOKIE];
    const caller = sessionToken ? await accounts.resolveSession(sessionToken) : undefined;
    if (!caller) throw accounts.unauthenticated(sessionToken ? 'Your session has ended; sign in again.' : undefined);
    if (STATE_CHANGING.has(req.method) && caller.via.kind === 'session') {
      const sent = req.headers[CSRF_HEADER];
      if (typeof sent !== 'string' || !sameSecret(sent, caller.via.csrfToken)) {
        throw new AppError('CSRF_FAILED', 403, `Send the value of the ${CSRF_COOKIE} cookie in the X-CSRF-Token header with every POST, PUT, PATCH and DELETE.`, undefined, 'errors.csrfFailed');
      }
    }
    req.caller = caller;
  });
}

function cookieOptions(req: FastifyRequest, expires: Date) {
  // Secure only when the browser reached us over HTTPS (directly or via a proxy's X-Forwarded-Proto):
  // a Secure cookie over plain HTTP on a LAN would never come back.
  return { path: '/', sameSite: 'lax' as const, secure: req.protocol === 'https', expires };
}

export function setSessionCookies(req: FastifyRequest, reply: FastifyReply, session: NewSession): void {
  const expires = new Date(session.expiresAt);
  void reply.setCookie(SESSION_COOKIE, session.sessionToken, { ...cookieOptions(req, expires), httpOnly: true });
  void reply.setCookie(CSRF_COOKIE, session.csrfToken, { ...cookieOptions(req, expires), httpOnly: false });
}

export function clearSessionCookies(req: FastifyRequest, reply: FastifyReply): void {
  void reply.clearCookie(SESSION_COOKIE, { ...cookieOptions(req, new Date(0)), httpOnly: true });
  void reply.clearCookie(CSRF_COOKIE, { ...cookieOptions(req, new Date(0)), httpOnly: false });
}
