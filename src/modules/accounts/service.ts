import type { Db, DbOrTx } from '../../platform/db/schema.ts';
import { flag, isSet, isUniqueViolation, newId, toIso } from '../../platform/db/dialect.ts';
import { AppError } from '../../platform/http/errors.ts';
import type { AuditAction, AuditTargetType } from '../../platform/i18n/index.ts';
import { redactSecrets, type Logger } from '../../platform/log/logger.ts';
import { createDashboardRegistry } from './dashboard.ts';
import {
  limits,
  mayAssignRole,
  normalizeEmail,
  ownSellerId,
  requirePermission,
  type ApiTokenView,
  type AuditEntry,
  type Locale,
  type Me,
  type RequestMeta,
  type Role,
  type SellerScope,
  type UserView,
} from './domain.ts';
import { decoyHash, hashPassword, verifyPassword } from './passwords.ts';
import { accountsRepo as repo, type UserRow } from './repo.ts';
import { csrfTokenFor, newApiToken, newSessionToken, newSetupToken, sha256 } from './tokens.ts';

export interface Clock {
  now(): Date;
}

export interface AuditTarget {
  type: AuditTargetType;
  id: string;
}

/** A signed-in browser session: the cookie values to set, and who it is. */
export interface NewSession {
  sessionToken: string;
  csrfToken: string;
  expiresAt: string;
  me: Me;
}

/** The caller behind a cookie or a bearer token. */
export interface Caller {
  scope: SellerScope;
  via: { kind: 'session'; sessionId: string; csrfToken: string } | { kind: 'token'; tokenId: string };
}

export interface FirstOwnerInput {
  sellerName: string;
  name: string;
  email: string;
  password: string;
  locale: Locale;
}

const invalidCredentials = () => new AppError('INVALID_CREDENTIALS', 401, 'The email or password is wrong.', undefined, 'errors.invalidCredentials');
const unauthenticated = (message = 'Sign in first, or send an API token as "Authorization: Bearer …".') => new AppError('UNAUTHENTICATED', 401, message, undefined, 'errors.unauthenticated');

function userView(row: UserRow): UserView {
  return { id: row.id, email: row.email, name: row.name, role: row.role, locale: row.locale, disabled: isSet(row.disabled), createdAt: row.created_at };
}

/**
 * Sellers, users, sessions, API tokens, the audit log and the dashboard registry: the accounts
 * module's public face. Later modules receive it to record audit entries and register dashboard counts.
 */
export function createAccountService(deps: { db: Db; log: Logger; clock?: Clock }) {
  const { db, log } = deps;
  const clock = deps.clock ?? { now: () => new Date() };
  const nowMs = () => clock.now().getTime();
  const dashboardRegistry = createDashboardRegistry();

  async function scopeOf(user: UserRow, tx: DbOrTx = db): Promise<SellerScope> {
    const sellerIds = user.role === 'warehouse' ? await repo.servedSellerIds(tx, user.id) : user.seller_id ? [user.seller_id] : [];
    return { userId: user.id, sellerId: user.seller_id, role: user.role, sellerIds };
  }

  async function meOf(user: UserRow, tx: DbOrTx = db): Promise<Me> {
    const seller = user.seller_id ? await repo.findSeller(tx, user.seller_id) : undefined;
    return { id: user.id, email: user.email, name: user.name, role: user.role, locale: user.locale, seller: seller ? { id: seller.id, name: seller.name } : null };
  }

  async function recordAudit(
    scope: SellerScope | null,
    action: AuditAction,
    target: AuditTarget | null,
    details: Record<string, unknown> = {},
    opts: { sellerId?: string | null; request?: RequestMeta; actorEmail?: string | null; db?: DbOrTx } = {},
  ): Promise<void> {
    const at = clock.now();
    await repo.insertAudit(opts.db ?? db, {
      id: newId(at.getTime()),
      seller_id: opts.sellerId !== undefined ? opts.sellerId : (scope?.sellerId ?? null),
      actor_user_id: scope?.userId ?? null,
      actor_email: opts.actorEmail ?? null,
      action,
      target_type: target?.type ?? null,
      target_id: target?.id ?? null,
      // The same cleaning as the logs: a secret-named key or an inline "token=…" never reaches the table.
      details: JSON.stringify(redactSecrets(details)),
      ip: opts.request?.ip ?? null,
      user_agent: opts.request?.userAgent?.slice(0, 512) ?? null,
      created_at: toIso(at),
    });
  }

  async function startSession(user: UserRow, request: RequestMeta, tx: DbOrTx = db): Promise<NewSession> {
    const now = nowMs();
    const sessionToken = newSessionToken();
    const expiresAt = toIso(now + limits.sessionAbsoluteMs);
    await repo.insertSession(tx, {
      id: newId(now),
      token_hash: sha256(sessionToken),
      user_id: user.id,
      seller_id: user.seller_id,
      ip: request.ip,
      user_agent: request.userAgent?.slice(0, 512) ?? null,
      created_at: toIso(now),
      last_seen_at: toIso(now),
      idle_expires_at: toIso(Math.min(now + limits.sessionIdleMs, now + limits.sessionAbsoluteMs)),
      expires_at: expiresAt,
    });
    return { sessionToken, csrfToken: csrfTokenFor(sessionToken), expiresAt, me: await meOf(user, tx) };
  }

  // Login throttling: failures count per email and per client address in a 15-minute window; the
  // limit reached locks that key for 15 minutes. Refused attempts during a lock-out are not counted,
  // so a locked account opens again on time even while someone keeps trying.
  async function assertNotLocked(keys: string[]): Promise<void> {
    const now = nowMs();
    for (const key of keys) {
      const row = await repo.findThrottle(db, key);
      if (row?.locked_until && Date.parse(row.locked_until) > now) {
        const seconds = Math.ceil((Date.parse(row.locked_until) - now) / 1000);
        throw new AppError(
          'TOO_MANY_ATTEMPTS',
          429,
          `Too many failed sign-ins. Sign-in is locked for ${Math.ceil(seconds / 60)} more minute(s); try again later or ask an admin to reset your password.`,
          { retryAfterSeconds: seconds },
          'errors.tooManyAttempts',
        );
      }
    }
  }

  async function recordFailure(key: string, max: number): Promise<void> {
    const now = nowMs();
    const row = await repo.findThrottle(db, key);
    const fresh = !row || Date.parse(row.window_start) <= now - limits.failureWindowMs || (row.locked_until !== null && Date.parse(row.locked_until) <= now);
    const failures = fresh ? 1 : row.failures + 1;
    const locked = failures >= max;
    await repo.saveThrottle(db, {
      key,
      failures: locked ? 0 : failures,
      window_start: fresh ? toIso(now) : row.window_start,
      locked_until: locked ? toIso(now + limits.lockoutMs) : null,
    });
  }

  const throttleKeys = (email: string, ip: string | null) => ({ email: `email:${email}`, ip: ip ? `ip:${ip}` : null });

  async function createFirstOwner(input: FirstOwnerInput, request: RequestMeta, how: 'setup' | 'environment'): Promise<UserRow> {
    const now = clock.now();
    const passwordHash = await hashPassword(input.password);
    return db.transaction().execute(async (tx) => {
      try {
        await repo.markSetupDone(tx, toIso(now));
      } catch (err) {
        if (isUniqueViolation(err)) throw new AppError('SETUP_DONE', 409, 'Setup is already done; sign in instead.', undefined, 'errors.setupDone');
        throw err;
      }
      if ((await repo.countUsers(tx)) > 0) throw new AppError('SETUP_DONE', 409, 'Setup is already done; sign in instead.', undefined, 'errors.setupDone');
      const sellerId = newId(now.getTime());
      await repo.insertSeller(tx, { id: sellerId, name: input.sellerName, created_at: toIso(now) });
      const user: UserRow = {
        id: newId(now.getTime()),
        seller_id: sellerId,
        email: normalizeEmail(input.email),
        name: input.name,
        role: 'owner',
        password_hash: passwordHash,
        locale: input.locale,
        disabled: 0,
        created_at: toIso(now),
        updated_at: toIso(now),
      };
      await repo.insertUser(tx, user);
      await repo.deleteSetupTokens(tx);
      const scope: SellerScope = { userId: user.id, sellerId, role: 'owner', sellerIds: [sellerId] };
      await recordAudit(scope, 'setup.completed', { type: 'seller', id: sellerId }, { how, sellerName: input.sellerName, email: user.email }, { request, db: tx });
      return user;
    });
  }

  async function me(scope: SellerScope): Promise<Me> {
    const user = await repo.findUserById(db, scope.userId);
    if (!user) throw unauthenticated();
    return meOf(user);
  }

  return {
    recordAudit,
    registerDashboardCount: dashboardRegistry.registerDashboardCount,
    dashboard: (scope: SellerScope) => dashboardRegistry.dashboard(scope),

    // ---- first run ----

    async setupNeeded(): Promise<boolean> {
      return (await repo.countUsers(db)) === 0;
    },

    /**
     * At start of a process that serves HTTP: with no user yet, seed the first owner from the
     * environment, or create a one-time setup token and print it in the log. Several processes
     * starting together each print their own token; any of them works once.
     */
    async prepareFirstRun(admin?: { email: string; password: string; sellerName: string }): Promise<{ setupToken?: string }> {
      if ((await repo.countUsers(db)) > 0) return {};
      if (admin) {
        try {
          await createFirstOwner({ sellerName: admin.sellerName, name: admin.email.split('@')[0] ?? 'Owner', email: admin.email, password: admin.password, locale: 'en' }, { ip: null, userAgent: null }, 'environment');
          log.info({ email: normalizeEmail(admin.email), seller: admin.sellerName }, 'First run: created the first seller and its owner from SMARTSHIP_ADMIN_EMAIL');
        } catch (err) {
          // Another process seeding at the same moment wins; that is fine.
          if (!(err instanceof AppError && err.code === 'SETUP_DONE') && !isUniqueViolation(err)) throw err;
        }
        return {};
      }
      const setupToken = newSetupToken();
      await repo.insertSetupToken(db, { token_hash: sha256(setupToken), created_at: toIso(clock.now()) });
      // The word "token" is kept away from the value: the log scrubber would hide "token: …".
      log.info(`First run: no user exists yet. Open the console and create the first seller and owner with this one-time setup code (setup token) ${setupToken}`);
      return { setupToken };
    },

    async setup(input: FirstOwnerInput & { setupToken: string }, request: RequestMeta): Promise<NewSession> {
      if ((await repo.countUsers(db)) > 0) throw new AppError('SETUP_DONE', 409, 'Setup is already done; sign in instead.', undefined, 'errors.setupDone');
      if (!(await repo.findSetupToken(db, sha256(input.setupToken.trim())))) {
        await recordAudit(null, 'setup.refused', null, { reason: 'wrong setup token' }, { request, sellerId: null });
        throw new AppError('SETUP_TOKEN_INVALID', 403, 'The setup token is wrong. Copy it from the server log (the line starting "First run").', undefined, 'errors.setupTokenInvalid');
      }
      const user = await createFirstOwner(input, request, 'setup');
      const session = await startSession(user, request);
      await recordAudit(await scopeOf(user), 'session.signed_in', { type: 'user', id: user.id }, { via: 'setup' }, { request });
      return session;
    },

    // ---- sessions ----

    async signIn(emailInput: string, password: string, request: RequestMeta): Promise<NewSession> {
      const email = normalizeEmail(emailInput);
      const keys = throttleKeys(email, request.ip);
      await assertNotLocked([keys.email, ...(keys.ip ? [keys.ip] : [])]);
      const user = await repo.findUserByEmail(db, email);
      const ok = await verifyPassword(password, user?.password_hash ?? (await decoyHash()));
      if (!user || !ok) {
        await recordFailure(keys.email, limits.failuresPerEmail);
        if (keys.ip) await recordFailure(keys.ip, limits.failuresPerIp);
        await recordAudit(null, 'session.sign_in_failed', user ? { type: 'user', id: user.id } : null, { reason: user ? 'wrong password' : 'unknown email' }, { request, actorEmail: email, sellerId: user?.seller_id ?? null });
        throw invalidCredentials();
      }
      if (isSet(user.disabled)) {
        await recordAudit(null, 'session.sign_in_failed', { type: 'user', id: user.id }, { reason: 'user disabled' }, { request, actorEmail: email, sellerId: user.seller_id });
        throw new AppError('USER_DISABLED', 403, 'This user is disabled; ask an owner or admin of your seller.', undefined, 'errors.userDisabled');
      }
      await repo.deleteThrottle(db, keys.email);
      const session = await startSession(user, request);
      await recordAudit(await scopeOf(user), 'session.signed_in', { type: 'user', id: user.id }, {}, { request, actorEmail: email });
      return session;
    },

    /** The caller behind a session cookie, or undefined when it is unknown, expired or its user disabled. Slides the idle expiry. */
    async resolveSession(sessionToken: string): Promise<Caller | undefined> {
      const session = await repo.findSessionByHash(db, sha256(sessionToken));
      if (!session) return undefined;
      const now = nowMs();
      if (Date.parse(session.expires_at) <= now || Date.parse(session.idle_expires_at) <= now) {
        await repo.deleteSession(db, session.id);
        return undefined;
      }
      const user = await repo.findUserById(db, session.user_id);
      if (!user || isSet(user.disabled)) return undefined;
      if (now - Date.parse(session.last_seen_at) >= limits.sessionTouchMs) {
        await repo.touchSession(db, session.id, toIso(now), toIso(Math.min(now + limits.sessionIdleMs, Date.parse(session.expires_at))));
      }
      return { scope: await scopeOf(user), via: { kind: 'session', sessionId: session.id, csrfToken: csrfTokenFor(sessionToken) } };
    },

    async resolveApiToken(token: string): Promise<Caller | undefined> {
      const row = await repo.findApiTokenByHash(db, sha256(token));
      if (!row) return undefined;
      const user = await repo.findUserById(db, row.user_id);
      if (!user || isSet(user.disabled)) return undefined;
      const now = nowMs();
      if (!row.last_used_at || now - Date.parse(row.last_used_at) >= limits.sessionTouchMs) await repo.markApiTokenUsed(db, row.id, toIso(now));
      return { scope: await scopeOf(user), via: { kind: 'token', tokenId: row.id } };
    },

    async signOut(caller: Caller, request: RequestMeta): Promise<void> {
      if (caller.via.kind !== 'session') return;
      await repo.deleteSession(db, caller.via.sessionId);
      await recordAudit(caller.scope, 'session.signed_out', { type: 'user', id: caller.scope.userId }, {}, { request });
    },

    unauthenticated,

    // ---- the caller ----

    me,

    async updateMe(scope: SellerScope, patch: { name?: string; locale?: Locale }): Promise<Me> {
      const changes: Partial<UserRow> = {};
      if (patch.name !== undefined) changes.name = patch.name;
      if (patch.locale !== undefined) changes.locale = patch.locale;
      if (Object.keys(changes).length > 0) await repo.updateUser(db, scope.userId, { ...changes, updated_at: toIso(clock.now()) });
      return me(scope);
    },

    /** Changes the caller's password and ends every other session of theirs (API tokens stay). */
    async changePassword(caller: Caller, currentPassword: string, newPassword: string, request: RequestMeta): Promise<{ endedSessions: number }> {
      const { scope } = caller;
      const user = await repo.findUserById(db, scope.userId);
      if (!user) throw unauthenticated();
      const keys = throttleKeys(user.email, request.ip);
      await assertNotLocked([keys.email]);
      if (!(await verifyPassword(currentPassword, user.password_hash))) {
        await recordFailure(keys.email, limits.failuresPerEmail);
        await recordAudit(scope, 'user.password_change_failed', { type: 'user', id: user.id }, { reason: 'wrong current password' }, { request });
        throw new AppError('CURRENT_PASSWORD_WRONG', 400, 'The current password is wrong.', undefined, 'errors.currentPasswordWrong');
      }
      const passwordHash = await hashPassword(newPassword);
      const endedSessions = await db.transaction().execute(async (tx) => {
        await repo.updateUser(tx, user.id, { password_hash: passwordHash, updated_at: toIso(clock.now()) });
        const ended = await repo.deleteUserSessions(tx, user.id, caller.via.kind === 'session' ? caller.via.sessionId : undefined);
        await recordAudit(scope, 'user.password_changed', { type: 'user', id: user.id }, { endedSessions: ended }, { request, db: tx });
        return ended;
      });
      return { endedSessions };
    },

    // ---- API tokens ----

    async createApiToken(scope: SellerScope, name: string, request: RequestMeta): Promise<{ id: string; name: string; token: string; createdAt: string }> {
      requirePermission(scope, 'manageTokens');
      const now = clock.now();
      const token = newApiToken();
      const id = newId(now.getTime());
      await db.transaction().execute(async (tx) => {
        await repo.insertApiToken(tx, { id, token_hash: sha256(token), user_id: scope.userId, seller_id: scope.sellerId, name, created_at: toIso(now), last_used_at: null, revoked_at: null });
        await recordAudit(scope, 'token.created', { type: 'api_token', id }, { name }, { request, db: tx });
      });
      return { id, name, token, createdAt: toIso(now) };
    },

    async listApiTokens(scope: SellerScope): Promise<ApiTokenView[]> {
      const rows = await repo.listUserApiTokens(db, scope.userId);
      return rows.map((r) => ({ id: r.id, name: r.name, createdAt: r.created_at, lastUsedAt: r.last_used_at }));
    },

    async revokeApiToken(scope: SellerScope, id: string, request: RequestMeta): Promise<void> {
      const row = await repo.findUserApiToken(db, scope.userId, id);
      if (!row) throw new AppError('NOT_FOUND', 404, 'API token not found');
      await db.transaction().execute(async (tx) => {
        await repo.revokeApiToken(tx, id, toIso(clock.now()));
        await recordAudit(scope, 'token.revoked', { type: 'api_token', id }, { name: row.name }, { request, db: tx });
      });
    },

    // ---- users ----

    async listUsers(scope: SellerScope): Promise<UserView[]> {
      requirePermission(scope, 'manageUsers');
      return (await repo.listSellerUsers(db, ownSellerId(scope))).map(userView);
    },

    /** An owner or admin adds a user to their seller, or warehouse staff who will serve it. */
    async createUser(scope: SellerScope, input: { email: string; name: string; role: Role; password: string; locale?: Locale }, request: RequestMeta): Promise<UserView> {
      requirePermission(scope, 'manageUsers');
      const sellerId = ownSellerId(scope);
      if (!mayAssignRole(scope.role, null, input.role)) throw new AppError('FORBIDDEN', 403, `Your role (${scope.role}) may not create a user with role ${input.role}.`, undefined, 'errors.forbidden');
      const now = clock.now();
      const passwordHash = await hashPassword(input.password);
      const row: UserRow = {
        id: newId(now.getTime()),
        seller_id: input.role === 'warehouse' ? null : sellerId,
        email: normalizeEmail(input.email),
        name: input.name,
        role: input.role,
        password_hash: passwordHash,
        locale: input.locale ?? 'en',
        disabled: 0,
        created_at: toIso(now),
        updated_at: toIso(now),
      };
      try {
        await db.transaction().execute(async (tx) => {
          await repo.insertUser(tx, row);
          if (row.role === 'warehouse') await repo.linkWarehouseStaff(tx, { user_id: row.id, seller_id: sellerId, created_at: toIso(now) });
          await recordAudit(scope, 'user.created', { type: 'user', id: row.id }, { email: row.email, role: row.role }, { request, db: tx });
        });
      } catch (err) {
        if (isUniqueViolation(err)) throw new AppError('EMAIL_TAKEN', 409, `A user with email ${row.email} already exists.`, undefined, 'errors.emailTaken');
        throw err;
      }
      return userView(row);
    },

    async updateUser(scope: SellerScope, userId: string, patch: { role?: Role; disabled?: boolean; name?: string }, request: RequestMeta): Promise<UserView> {
      requirePermission(scope, 'manageUsers');
      const sellerId = ownSellerId(scope);
      return db.transaction().execute(async (tx) => {
        const user = await repo.findSellerUser(tx, sellerId, userId);
        if (!user) throw new AppError('NOT_FOUND', 404, 'User not found');
        const changes: Partial<UserRow> = {};
        if (patch.role !== undefined && patch.role !== user.role) {
          if ((patch.role === 'warehouse') !== (user.role === 'warehouse')) {
            throw new AppError('ROLE_CHANGE_REFUSED', 400, "Warehouse staff cannot become a seller's user or the other way round; create a new user instead.", undefined, 'errors.roleChangeRefused');
          }
          if (!mayAssignRole(scope.role, user.role, patch.role)) throw new AppError('FORBIDDEN', 403, `Your role (${scope.role}) may not change a ${user.role} into a ${patch.role}.`, undefined, 'errors.forbidden');
          changes.role = patch.role;
        }
        if (patch.disabled !== undefined && patch.disabled !== isSet(user.disabled)) {
          if (!mayAssignRole(scope.role, user.role, user.role)) throw new AppError('FORBIDDEN', 403, `Your role (${scope.role}) may not disable a ${user.role}.`, undefined, 'errors.forbidden');
          if (user.role === 'warehouse' && (await repo.servedSellerIds(tx, user.id)).length > 1) {
            throw new AppError('SHARED_USER', 409, 'This warehouse user serves other sellers too; ask the hub operator to disable the account.', undefined, 'errors.sharedUser');
          }
          changes.disabled = flag(patch.disabled);
        }
        if (patch.name !== undefined && patch.name !== user.name) changes.name = patch.name;
        const losesOwner = user.role === 'owner' && !isSet(user.disabled) && ((changes.role !== undefined && changes.role !== 'owner') || changes.disabled === 1);
        if (losesOwner && (await repo.countActiveOwners(tx, sellerId)) <= 1) {
          throw new AppError('LAST_OWNER', 409, 'This is the last owner of the seller; make another user owner first.', undefined, 'errors.lastOwner');
        }
        if (Object.keys(changes).length === 0) return userView(user);
        await repo.updateUser(tx, user.id, { ...changes, updated_at: toIso(clock.now()) });
        if (changes.disabled === 1) await repo.deleteUserSessions(tx, user.id);
        if (changes.role !== undefined) await recordAudit(scope, 'user.role_changed', { type: 'user', id: user.id }, { from: user.role, to: changes.role }, { request, db: tx });
        if (changes.disabled !== undefined) await recordAudit(scope, changes.disabled ? 'user.disabled' : 'user.enabled', { type: 'user', id: user.id }, {}, { request, db: tx });
        if (changes.name !== undefined) await recordAudit(scope, 'user.renamed', { type: 'user', id: user.id }, { from: user.name, to: changes.name }, { request, db: tx });
        return userView({ ...user, ...changes });
      });
    },

    // ---- audit log ----

    async listAudit(scope: SellerScope, q: { cursor?: string; limit: number; action?: string }): Promise<{ entries: AuditEntry[]; nextCursor: string | null }> {
      requirePermission(scope, 'readAudit');
      let before: { at: string; id: string } | undefined;
      if (q.cursor) {
        const [at, id] = Buffer.from(q.cursor, 'base64url').toString('utf8').split('|');
        if (!at || !id) throw new AppError('VALIDATION_FAILED', 400, 'cursor: not a cursor this API gave out');
        before = { at, id };
      }
      const rows = await repo.listAudit(db, { sellerId: ownSellerId(scope), before, action: q.action, limit: q.limit + 1 });
      const page = rows.slice(0, q.limit);
      const last = page.at(-1);
      return {
        entries: page.map((r) => ({
          id: r.id,
          at: r.created_at,
          action: r.action,
          actor: { userId: r.actor_user_id, email: r.actor_email },
          target: r.target_type && r.target_id ? { type: r.target_type, id: r.target_id } : null,
          details: JSON.parse(r.details) as Record<string, unknown>,
          ip: r.ip,
          userAgent: r.user_agent,
        })),
        nextCursor: rows.length > q.limit && last ? Buffer.from(`${last.created_at}|${last.id}`).toString('base64url') : null,
      };
    },
  };
}

export type AccountService = ReturnType<typeof createAccountService>;
