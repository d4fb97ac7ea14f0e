import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { routeTable } from '../../../src/platform/http/route-table.ts';
import { sellerIdsOf, canActFor, mayReadCredentials } from '../../../src/modules/accounts/domain.ts';
import { testDialects, type ScratchDatabase } from '../../helpers/databases.ts';
import { Client, PASSWORD, createSeller, setUpHub, startHubWithClock, type Hub } from './helpers.ts';

describe.each(testDialects)('users, roles, audit log, OpenAPI and dashboard on $name', ({ create }) => {
  let scratch: ScratchDatabase;
  let hub: Hub;
  let owner: Client;
  /** Every secret value the tests handle: none may appear in the audit table or the log. */
  const secrets = new Set<string>([PASSWORD]);
  beforeAll(async () => {
    scratch = await create();
    hub = await startHubWithClock(scratch);
    owner = await setUpHub(hub);
    secrets.add(hub.setupToken());
    secrets.add(owner.cookies.get('smartship_session')!);
  });
  afterAll(async () => {
    await hub.close();
    await scratch.drop();
  });

  it('lets an owner add users; an operator may not create or list users nor read the audit log', async () => {
    const created = await owner.post('/api/users', { email: 'Op@A.example', name: 'Oper', role: 'operator', password: 'operator password', locale: 'ko' });
    expect(created.status).toBe(201);
    expect(created.body.user).toMatchObject({ email: 'op@a.example', role: 'operator', locale: 'ko', disabled: false });
    secrets.add('operator password');
    expect((await owner.post('/api/users', { email: 'op@a.example', name: 'Twin', role: 'operator', password: 'operator password' })).body.error.code).toBe('EMAIL_TAKEN');

    const operator = new Client(hub.url);
    await operator.signIn('op@a.example', 'operator password');
    const refused = await operator.post('/api/users', { email: 'new@a.example', name: 'New', role: 'operator', password: 'another password' });
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('FORBIDDEN');
    expect((await operator.get('/api/users')).status).toBe(403);
    expect((await operator.get('/api/audit-log')).status).toBe(403);
    expect((await hub.db.selectFrom('users').select('email').where('email', '=', 'new@a.example').execute()).length).toBe(0);
    // An operator still manages their own API tokens and profile.
    expect((await operator.post('/api/tokens', { name: 'mine' })).status).toBe(201);
  });

  it('lets an admin manage operators but not owners, and never removes the last owner', async () => {
    const admin = await owner.post('/api/users', { email: 'admin@a.example', name: 'Adm', role: 'admin', password: 'admin password' });
    secrets.add('admin password');
    const adminClient = new Client(hub.url);
    await adminClient.signIn('admin@a.example', 'admin password');
    expect((await adminClient.post('/api/users', { email: 'owner2@a.example', name: 'O2', role: 'owner', password: 'owner2 password' })).status).toBe(403);
    const users = (await adminClient.get('/api/users')).body.users as Array<{ id: string; email: string; role: string }>;
    const ownerId = users.find((u) => u.email === 'owner@a.example')!.id;
    const operatorId = users.find((u) => u.email === 'op@a.example')!.id;
    expect((await adminClient.patch(`/api/users/${ownerId}`, { role: 'operator' })).status).toBe(403);
    expect((await adminClient.patch(`/api/users/${operatorId}`, { role: 'admin' })).body.user.role).toBe('admin');
    expect((await adminClient.patch(`/api/users/${operatorId}`, { role: 'operator' })).body.user.role).toBe('operator');

    const lastOwner = await owner.patch(`/api/users/${ownerId}`, { role: 'admin' });
    expect(lastOwner.status).toBe(409);
    expect(lastOwner.body.error.code).toBe('LAST_OWNER');
    expect((await owner.patch(`/api/users/${ownerId}`, { disabled: true })).body.error.code).toBe('LAST_OWNER');
    expect((await owner.patch(`/api/users/${ownerId}`, { role: 'warehouse' })).body.error.code).toBe('ROLE_CHANGE_REFUSED');
    // With a second owner, the first may step down.
    expect((await owner.patch(`/api/users/${admin.body.user.id}`, { role: 'owner' })).body.user.role).toBe('owner');
    expect((await owner.patch(`/api/users/${ownerId}`, { role: 'admin' })).body.user.role).toBe('admin');
    expect((await owner.patch(`/api/users/${ownerId}`, { role: 'owner' })).status).toBe(403); // an admin now
    expect((await adminClient.patch(`/api/users/${ownerId}`, { role: 'owner' })).body.user.role).toBe('owner');
  });

  it('disables a user: their sessions and API tokens stop working and they cannot sign in', async () => {
    const created = await owner.post('/api/users', { email: 'leaver@a.example', name: 'Leaver', role: 'operator', password: 'leaver password' });
    secrets.add('leaver password');
    const leaver = new Client(hub.url);
    await leaver.signIn('leaver@a.example', 'leaver password');
    const token = (await leaver.post('/api/tokens', { name: 'cron' })).body.token as string;
    secrets.add(token);
    const script = new Client(hub.url);
    script.bearer = token;
    expect((await script.get('/api/me')).status).toBe(200);
    expect((await owner.patch(`/api/users/${created.body.user.id}`, { disabled: true })).body.user.disabled).toBe(true);
    expect((await leaver.get('/api/me')).status).toBe(401);
    expect((await script.get('/api/me')).status).toBe(401);
    const again = await new Client(hub.url).post('/api/session', { email: 'leaver@a.example', password: 'leaver password' });
    expect(again.status).toBe(403);
    expect(again.body.error.code).toBe('USER_DISABLED');
  });

  it('gives warehouse staff a scope over the sellers they serve, no seller of their own, and no credentials', async () => {
    const created = await owner.post('/api/users', { email: 'picker@qfc.example', name: 'Picker', role: 'warehouse', password: 'warehouse password' });
    expect(created.status).toBe(201);
    secrets.add('warehouse password');
    const staff = new Client(hub.url);
    const signedIn = await staff.signIn('picker@qfc.example', 'warehouse password');
    expect(signedIn.body.user).toMatchObject({ role: 'warehouse', seller: null });
    expect((await staff.get('/api/users')).status).toBe(403);
    const caller = await hub.modules.accounts.resolveSession(staff.cookies.get('smartship_session')!);
    const sellerA = (await owner.get('/api/me')).body.seller.id as string;
    expect(caller!.scope).toEqual({ userId: created.body.user.id, sellerId: null, role: 'warehouse', sellerIds: [sellerA] });
    expect(canActFor(caller!.scope, sellerA)).toBe(true);
    expect(canActFor(caller!.scope, 'another-seller')).toBe(false);
    expect(mayReadCredentials(caller!.scope)).toBe(false);
    expect(sellerIdsOf({ ...caller!.scope, sellerIds: [] })).toHaveLength(1); // never an empty IN ()
    // The seller lists the warehouse staff serving it.
    expect(((await owner.get('/api/users')).body.users as Array<{ email: string }>).map((u) => u.email)).toContain('picker@qfc.example');
  });

  it("records every account action in the seller's audit log, newest first, paged by cursor, with IP and user agent for sign-ins", async () => {
    await new Client(hub.url).call('POST', '/api/session', { email: 'owner@a.example', password: 'not the password' }, { headers: { 'user-agent': 'AuditTest/1.0' } });
    const session = new Client(hub.url);
    await session.signIn('owner@a.example');
    secrets.add(session.cookies.get('smartship_session')!);
    const token = await session.post('/api/tokens', { name: 'audit me' });
    secrets.add(token.body.token);
    await session.delete(`/api/tokens/${token.body.id}`);
    await session.post('/api/me/password', { currentPassword: PASSWORD, newPassword: 'another long password' });
    secrets.add('another long password');
    await session.post('/api/me/password', { currentPassword: 'another long password', newPassword: PASSWORD });
    await session.delete('/api/session');
    const reader = new Client(hub.url);
    await reader.signIn('owner@a.example');

    const all: Array<{ id: string; at: string; action: string; ip: string | null; userAgent: string | null; details: Record<string, unknown>; actor: { email: string | null } }> = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page = await reader.get(`/api/audit-log?limit=4${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page.status).toBe(200);
      expect(page.body.entries.length).toBeLessThanOrEqual(4);
      all.push(...page.body.entries);
      cursor = page.body.nextCursor;
      pages++;
    } while (cursor && pages < 50);
    expect(new Set(all.map((e) => e.id)).size).toBe(all.length);
    expect(all.map((e) => e.at)).toEqual([...all.map((e) => e.at)].sort().reverse());
    const actions = new Set(all.map((e) => e.action));
    for (const action of ['setup.completed', 'session.signed_in', 'session.sign_in_failed', 'session.signed_out', 'user.created', 'user.role_changed', 'user.disabled', 'token.created', 'token.revoked', 'user.password_changed']) {
      expect(actions, action).toContain(action);
    }
    const failed = all.find((e) => e.action === 'session.sign_in_failed' && e.userAgent === 'AuditTest/1.0')!;
    expect(failed).toMatchObject({ ip: '127.0.0.1', actor: { email: 'owner@a.example' }, details: { reason: 'wrong password' } });
    expect(all.find((e) => e.action === 'user.role_changed')!.details).toMatchObject({ from: expect.any(String), to: expect.any(String) });

    const onlyTokens = await reader.get('/api/audit-log?action=token.revoked');
    expect(onlyTokens.body.entries.length).toBeGreaterThan(0);
    expect(onlyTokens.body.entries.every((e: { action: string }) => e.action === 'token.revoked')).toBe(true);

    // Another seller sees none of it.
    await createSeller(hub.db, 'Seller B', [{ email: 'owner@b.example', role: 'owner' }]);
    const ownerB = new Client(hub.url);
    await ownerB.signIn('owner@b.example');
    const bLog = (await ownerB.get('/api/audit-log?limit=200')).body.entries as Array<{ id: string; action: string }>;
    expect(bLog.filter((e) => all.some((a) => a.id === e.id))).toEqual([]);
    expect(bLog.map((e) => e.action)).toEqual(['session.signed_in']);
  });

  it('keeps passwords, tokens and session cookies out of the audit table and the log', async () => {
    const rows = JSON.stringify(await hub.db.selectFrom('audit_log').selectAll().execute());
    const logs = hub.logs();
    expect(logs.length).toBeGreaterThan(1000);
    for (const secret of secrets) {
      expect(rows.includes(secret), `audit table holds a secret (${secret.slice(0, 6)}…)`).toBe(false);
      expect(logs.includes(secret) && secret !== hub.setupToken(), `log holds a secret (${secret.slice(0, 6)}…)`).toBe(false);
    }
    // The setup token appears once, in the first-run line, and nowhere else.
    expect(logs.split(hub.setupToken()).length - 1).toBe(1);
    const users = JSON.stringify(await hub.db.selectFrom('users').select(['password_hash']).execute());
    expect(users).toMatch(/scrypt\$32768\$8\$1\$/);
    expect(users).not.toContain(PASSWORD);
  });

  it('describes every /api route in the OpenAPI document with a summary and tags, and serves the docs page', async () => {
    const anonymous = new Client(hub.url);
    const doc = await anonymous.get('/api/openapi.json');
    expect(doc.status).toBe(200);
    expect(doc.body.openapi).toMatch(/^3\./);
    const paths = doc.body.paths as Record<string, Record<string, { summary?: string; tags?: string[] }>>;
    const missing: string[] = [];
    for (const route of routeTable(hub.http)) {
      if (!route.url.startsWith('/api/') || route.method === 'HEAD' || route.url === '/api/openapi.json' || route.url === '/api/docs' || route.url.startsWith('/api/docs/')) continue;
      const path = route.url.replace(/:(\w+)/g, '{$1}');
      const op = paths[path]?.[route.method.toLowerCase()];
      if (!op?.summary || !op.tags?.length) missing.push(`${route.method} ${route.url}`);
    }
    expect(missing).toEqual([]);
    expect(paths['/api/session']?.post).toBeDefined();
    expect(JSON.stringify(paths['/api/users']?.post)).toContain('"password"');
    const page = await fetch(`${hub.url}/api/docs/`, { redirect: 'follow' });
    expect(page.status).toBe(200);
    expect(await page.text()).toMatch(/swagger/i);
  });

  it('answers the dashboard with the counts modules registered, for the caller\'s scope', async () => {
    // The password changes above ended the setup session: sign in again.
    owner = new Client(hub.url);
    await owner.signIn('owner@a.example');
    expect((await owner.get('/api/dashboard')).body).toBeDefined();
    hub.modules.accounts.registerDashboardCount('testing.pending', async (scope) => scope.sellerIds.length * 3);
    expect(() => hub.modules.accounts.registerDashboardCount('testing.pending', async () => 0)).toThrow(/twice/);
    const dashboard = (await owner.get('/api/dashboard')).body;
    expect(dashboard.counts['testing.pending']).toBe(3);
    expect(dashboard.modules).toContain('testing');
  });
});
