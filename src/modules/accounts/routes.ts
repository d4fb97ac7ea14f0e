import { z } from 'zod';
import type { HttpServer } from '../../platform/http/server.ts';
import { errorResponses as errors, idParams, noContent } from '../../platform/http/schemas.ts';
import { clearSessionCookies, requestMeta, setSessionCookies } from './auth.ts';
import { limits, locales, roles } from './domain.ts';
import type { AccountService } from './service.ts';


const email = z.email({ error: 'expected an email address' }).max(254);
const password = z.string().min(limits.passwordMin, { error: `expected at least ${limits.passwordMin} characters` }).max(limits.passwordMax);
const name = z.string().trim().min(1).max(200);
const locale = z.enum(locales);
const role = z.enum(roles);

const me = z
  .object({ id: z.string(), email: z.string(), name: z.string(), role, locale, seller: z.object({ id: z.string(), name: z.string() }).nullable() })
  .describe('The signed-in user');
const user = z.object({ id: z.string(), email: z.string(), name: z.string(), role, locale, disabled: z.boolean(), createdAt: z.string() });
const apiToken = z.object({ id: z.string(), name: z.string(), createdAt: z.string(), lastUsedAt: z.string().nullable() });
const auditEntry = z.object({
  id: z.string(),
  at: z.string(),
  action: z.string(),
  actor: z.object({ userId: z.string().nullable(), email: z.string().nullable() }),
  target: z.object({ type: z.string(), id: z.string() }).nullable(),
  details: z.record(z.string(), z.unknown()),
  ip: z.string().nullable(),
  userAgent: z.string().nullable(),
});

/** The accounts API: first run, sign-in, the caller, API tokens, users, audit log, dashboard. */
export function registerAccountRoutes(app: HttpServer, accounts: AccountService): void {
  app.get(
    '/api/setup',
    { config: { public: true }, schema: { tags: ['setup'], summary: 'Whether the first seller and owner still have to be created', response: { 200: z.object({ needed: z.boolean() }) } } },
    async () => ({ needed: await accounts.setupNeeded() }),
  );

  app.post(
    '/api/setup',
    {
      config: { public: true },
      schema: {
        tags: ['setup'],
        summary: 'First run: create the first seller and its owner with the setup token from the server log, and sign in',
        body: z.object({ setupToken: z.string().trim().min(1).max(200), sellerName: name, name, email, password, locale: locale.default('en') }),
        response: { 201: z.object({ user: me }), ...errors },
      },
    },
    async (req, reply) => {
      const session = await accounts.setup(req.body, requestMeta(req));
      setSessionCookies(req, reply, session);
      return reply.status(201).send({ user: session.me });
    },
  );

  app.post(
    '/api/session',
    {
      config: { public: true },
      schema: {
        tags: ['session'],
        summary: 'Sign in: sets the smartship_session (httpOnly) and smartship_csrf cookies',
        body: z.object({ email: z.string().trim().min(1).max(254), password: z.string().min(1).max(limits.passwordMax) }),
        response: { 200: z.object({ user: me }), ...errors },
      },
    },
    async (req, reply) => {
      const session = await accounts.signIn(req.body.email, req.body.password, requestMeta(req));
      setSessionCookies(req, reply, session);
      return { user: session.me };
    },
  );

  app.delete('/api/session', { schema: { tags: ['session'], summary: 'Sign out: ends this session and clears its cookies', response: noContent } }, async (req, reply) => {
    await accounts.signOut(req.caller!, requestMeta(req));
    clearSessionCookies(req, reply);
    return reply.status(204).send(null);
  });

  app.get('/api/me', { schema: { tags: ['me'], summary: 'The signed-in user', response: { 200: me, ...errors } } }, async (req) => accounts.me(req.scope));

  app.patch(
    '/api/me',
    { schema: { tags: ['me'], summary: "Change the caller's name or language (remembered per user)", body: z.object({ name: name.optional(), locale: locale.optional() }), response: { 200: me, ...errors } } },
    async (req) => accounts.updateMe(req.scope, req.body),
  );

  app.post(
    '/api/me/password',
    {
      schema: {
        tags: ['me'],
        summary: "Change the caller's password; ends the caller's other sessions",
        body: z.object({ currentPassword: z.string().min(1).max(limits.passwordMax), newPassword: password }),
        response: noContent,
      },
    },
    async (req, reply) => {
      await accounts.changePassword(req.caller!, req.body.currentPassword, req.body.newPassword, requestMeta(req));
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/api/tokens',
    {
      schema: {
        tags: ['tokens'],
        summary: 'Create an API token for scripts; the token is in this answer only',
        body: z.object({ name }),
        response: { 201: z.object({ id: z.string(), name: z.string(), token: z.string().describe('Send as "Authorization: Bearer <token>"; shown once'), createdAt: z.string() }), ...errors },
      },
    },
    async (req, reply) => reply.status(201).send(await accounts.createApiToken(req.scope, req.body.name, requestMeta(req))),
  );

  app.get('/api/tokens', { schema: { tags: ['tokens'], summary: "The caller's API tokens (never the token itself)", response: { 200: z.object({ tokens: z.array(apiToken) }), ...errors } } }, async (req) => ({
    tokens: await accounts.listApiTokens(req.scope),
  }));

  app.delete('/api/tokens/:id', { schema: { tags: ['tokens'], summary: 'Revoke an API token', params: idParams, response: noContent } }, async (req, reply) => {
    await accounts.revokeApiToken(req.scope, req.params.id, requestMeta(req));
    return reply.status(204).send(null);
  });

  app.get('/api/users', { schema: { tags: ['users'], summary: "The seller's users and the warehouse staff serving it (owner, admin)", response: { 200: z.object({ users: z.array(user) }), ...errors } } }, async (req) => ({
    users: await accounts.listUsers(req.scope),
  }));

  app.post(
    '/api/users',
    {
      schema: {
        tags: ['users'],
        summary: "Add a user to the caller's seller, or warehouse staff serving it (owner, admin)",
        body: z.object({ email, name, role, password, locale: locale.optional() }),
        response: { 201: z.object({ user }), ...errors },
      },
    },
    async (req, reply) => reply.status(201).send({ user: await accounts.createUser(req.scope, req.body, requestMeta(req)) }),
  );

  app.patch(
    '/api/users/:id',
    {
      schema: {
        tags: ['users'],
        summary: "Change a user's role, name, or disable them (owner, admin); the last owner stays",
        params: idParams,
        body: z.object({ role: role.optional(), disabled: z.boolean().optional(), name: name.optional() }),
        response: { 200: z.object({ user }), ...errors },
      },
    },
    async (req) => ({ user: await accounts.updateUser(req.scope, req.params.id, req.body, requestMeta(req)) }),
  );

  app.get(
    '/api/audit-log',
    {
      schema: {
        tags: ['audit'],
        summary: "The seller's audit log, newest first (owner, admin)",
        querystring: z.object({
          cursor: z.string().max(200).optional(),
          limit: z.coerce.number().int().min(1).max(200).default(50),
          action: z.string().max(100).optional(),
        }),
        response: { 200: z.object({ entries: z.array(auditEntry), nextCursor: z.string().nullable() }), ...errors },
      },
    },
    async (req) => accounts.listAudit(req.scope, req.query),
  );

  app.get(
    '/api/dashboard',
    {
      schema: {
        tags: ['dashboard'],
        summary: 'Counts of unprocessed work, by `<module>.<what>`',
        response: { 200: z.object({ counts: z.record(z.string(), z.number().int()), modules: z.array(z.string()) }), ...errors },
      },
    },
    async (req) => accounts.dashboard(req.scope),
  );
}
