import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDialects, type ScratchDatabase } from '../../helpers/databases.ts';
import { Client, PASSWORD, createSeller, setUpHub, startApp, startHubWithClock, type Hub } from './helpers.ts';

describe.each(testDialects)('first run on $name (the hub as createApp builds it)', ({ create }) => {
  let scratch: ScratchDatabase;
  let hub: Hub;
  beforeAll(async () => {
    scratch = await create();
    hub = await startApp(scratch);
  });
  afterAll(async () => {
    await hub.close();
    await scratch.drop();
  });

  it('prints a one-time setup token, refuses a wrong one, creates the first seller and owner, then refuses a second setup', async () => {
    const browser = new Client(hub.url);
    expect(await browser.get('/api/setup')).toMatchObject({ status: 200, body: { needed: true } });
    expect(hub.logs()).toMatch(/First run: no user exists yet/);
    const body = { sellerName: 'Seller A', name: 'Aiko', email: 'Owner@A.example', password: PASSWORD, locale: 'ja' };

    const noToken = await browser.post('/api/setup', body);
    expect(noToken.status).toBe(400);
    const wrong = await browser.post('/api/setup', { ...body, setupToken: 'not-the-token' });
    expect(wrong.status).toBe(403);
    expect(wrong.body.error.code).toBe('SETUP_TOKEN_INVALID');
    const short = await browser.post('/api/setup', { ...body, setupToken: hub.setupToken(), password: 'short' });
    expect(short.status).toBe(400);
    expect(short.body.error.code).toBe('VALIDATION_FAILED');
    expect(await browser.get('/api/setup')).toMatchObject({ body: { needed: true } });

    const done = await browser.post('/api/setup', { ...body, setupToken: hub.setupToken() });
    expect(done.status).toBe(201);
    expect(done.body.user).toMatchObject({ email: 'owner@a.example', name: 'Aiko', role: 'owner', locale: 'ja', seller: { name: 'Seller A' } });
    // Signed in by setup: the session works at once.
    expect(browser.cookies.has('smartship_session')).toBe(true);
    expect(await browser.get('/api/me')).toMatchObject({ status: 200, body: { email: 'owner@a.example', role: 'owner' } });

    expect(await new Client(hub.url).get('/api/setup')).toMatchObject({ status: 200, body: { needed: false } });
    const again = await new Client(hub.url).post('/api/setup', { ...body, email: 'intruder@x.example', setupToken: hub.setupToken() });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('SETUP_DONE');
    const rows = await hub.db.selectFrom('users').select('email').execute();
    expect(rows.map((r) => r.email)).toEqual(['owner@a.example']);
    expect(await hub.db.selectFrom('setup_tokens').selectAll().execute()).toEqual([]);
  });

  it('sets the session cookie httpOnly, SameSite=Lax, path /, Secure only over HTTPS (X-Forwarded-Proto), and a script-readable CSRF cookie', async () => {
    const plain = await fetch(`${hub.url}/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'owner@a.example', password: PASSWORD }) });
    expect(plain.status).toBe(200);
    const cookies = plain.headers.getSetCookie();
    const session = cookies.find((c) => c.startsWith('smartship_session='))!;
    const csrf = cookies.find((c) => c.startsWith('smartship_csrf='))!;
    expect(session).toMatch(/HttpOnly/i);
    expect(session).toMatch(/SameSite=Lax/i);
    expect(session).toMatch(/Path=\//);
    expect(session).not.toMatch(/Secure/i);
    expect(csrf).not.toMatch(/HttpOnly/i);
    const behindTls = await fetch(`${hub.url}/api/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-proto': 'https' },
      body: JSON.stringify({ email: 'owner@a.example', password: PASSWORD }),
    });
    for (const c of behindTls.headers.getSetCookie()) expect(c).toMatch(/; Secure/i);
  });
});

describe('first run seeded from the environment', () => {
  it('creates the first seller and owner from SMARTSHIP_ADMIN_EMAIL/PASSWORD/SELLER and prints no setup token', async () => {
    const scratch = await testDialects[0]!.create();
    const hub = await startApp(scratch, { SMARTSHIP_ADMIN_EMAIL: 'ops@hub.example', SMARTSHIP_ADMIN_PASSWORD: PASSWORD, SMARTSHIP_ADMIN_SELLER: 'Automation Shop' });
    try {
      const client = new Client(hub.url);
      expect((await client.get('/api/setup')).body).toEqual({ needed: false });
      const signedIn = await client.signIn('ops@hub.example');
      expect(signedIn.body.user).toMatchObject({ role: 'owner', seller: { name: 'Automation Shop' } });
      expect(hub.logs()).not.toMatch(/First run: no user exists/);
      expect(hub.logs()).not.toContain(PASSWORD);
    } finally {
      await hub.close();
      await scratch.drop();
    }
  });
});

describe.each(testDialects)('sign-in, sessions, CSRF and API tokens on $name', ({ create }) => {
  let scratch: ScratchDatabase;
  let hub: Hub;
  let owner: Client;
  beforeAll(async () => {
    scratch = await create();
    hub = await startHubWithClock(scratch);
    owner = await setUpHub(hub);
  });
  afterAll(async () => {
    await hub.close();
    await scratch.drop();
  });

  it('gives the same 401 INVALID_CREDENTIALS for a wrong password and an unknown email', async () => {
    const wrongPassword = await new Client(hub.url).post('/api/session', { email: 'owner@a.example', password: 'wrong password!' });
    const unknownEmail = await new Client(hub.url).post('/api/session', { email: 'nobody@a.example', password: 'wrong password!' });
    expect(wrongPassword.status).toBe(401);
    expect(unknownEmail.status).toBe(401);
    expect(wrongPassword.body).toEqual(unknownEmail.body);
    expect(wrongPassword.body.error.code).toBe('INVALID_CREDENTIALS');
    const ok = await new Client(hub.url).signIn('OWNER@a.example ');
    expect(ok.body.user).toMatchObject({ email: 'owner@a.example', role: 'owner', locale: 'ja', seller: { name: 'Seller A' } });
  });

  it('locks an email out for 15 minutes after 5 failures, even for the right password, then lets it in again', async () => {
    await createSeller(hub.db, 'Seller L', [{ email: 'locked@l.example', role: 'owner' }]);
    for (let i = 1; i <= 5; i++) {
      const answer = await new Client(hub.url).post('/api/session', { email: 'locked@l.example', password: `wrong ${i} attempt` });
      expect(answer.status, `attempt ${i}`).toBe(401);
    }
    const locked = await new Client(hub.url).post('/api/session', { email: 'locked@l.example', password: PASSWORD });
    expect(locked.status).toBe(429);
    expect(locked.body.error.code).toBe('TOO_MANY_ATTEMPTS');
    expect(locked.body.error.message).toMatch(/locked for 15 more minute/);
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(14 * 60);
    // Other users are not affected.
    await new Client(hub.url).signIn('owner@a.example');
    hub.clock.advance(14 * 60 * 1000);
    expect((await new Client(hub.url).post('/api/session', { email: 'locked@l.example', password: PASSWORD })).status).toBe(429);
    hub.clock.advance(61 * 1000);
    await new Client(hub.url).signIn('locked@l.example');
  });

  it('signs out: the session cookie stops working and the cookies are cleared', async () => {
    const browser = new Client(hub.url);
    await browser.signIn('owner@a.example');
    const stolen = browser.cookies.get('smartship_session')!;
    expect((await browser.delete('/api/session')).status).toBe(204);
    expect(browser.cookies.has('smartship_session')).toBe(false);
    const replay = new Client(hub.url);
    replay.cookies.set('smartship_session', stolen);
    const answer = await replay.get('/api/me');
    expect(answer.status).toBe(401);
    expect(answer.body.error.code).toBe('UNAUTHENTICATED');
  });

  it('ends a session after 12 idle hours, keeps a used one alive, and ends any after 7 days', async () => {
    const idle = new Client(hub.url);
    await idle.signIn('owner@a.example');
    const busy = new Client(hub.url);
    await busy.signIn('owner@a.example');
    for (let hour = 0; hour < 11; hour++) {
      hub.clock.advance(60 * 60 * 1000);
      expect((await busy.get('/api/me')).status).toBe(200);
    }
    hub.clock.advance(60 * 60 * 1000 + 1000);
    expect((await idle.get('/api/me')).status).toBe(401);
    expect((await busy.get('/api/me')).status).toBe(200);
    // Used every 10 hours, it still ends 7 days (168 h) after sign-in: it answered for 12 h, then 16 × 10 h more.
    let hoursAlive = 12;
    for (let i = 0; i < 20; i++) {
      hub.clock.advance(10 * 60 * 60 * 1000);
      if ((await busy.get('/api/me')).status !== 200) break;
      hoursAlive += 10;
    }
    expect(hoursAlive).toBe(162);
    expect((await busy.get('/api/me')).status).toBe(401);
  });

  it('changes the password, ends the other sessions but not this one, and the old password stops working', async () => {
    await createSeller(hub.db, 'Seller P', [{ email: 'pw@p.example', role: 'owner' }]);
    const laptop = new Client(hub.url);
    await laptop.signIn('pw@p.example');
    const phone = new Client(hub.url);
    await phone.signIn('pw@p.example');
    const wrong = await laptop.post('/api/me/password', { currentPassword: 'not my password', newPassword: 'a new long password' });
    expect(wrong.status).toBe(400);
    expect(wrong.body.error.code).toBe('CURRENT_PASSWORD_WRONG');
    expect((await laptop.post('/api/me/password', { currentPassword: PASSWORD, newPassword: 'short' })).status).toBe(400);
    expect((await laptop.post('/api/me/password', { currentPassword: PASSWORD, newPassword: 'a new long password' })).status).toBe(204);
    expect((await laptop.get('/api/me')).status).toBe(200);
    expect((await phone.get('/api/me')).status).toBe(401);
    expect((await new Client(hub.url).post('/api/session', { email: 'pw@p.example', password: PASSWORD })).status).toBe(401);
    await new Client(hub.url).signIn('pw@p.example', 'a new long password');
  });

  it('remembers the language per user (PATCH /api/me)', async () => {
    const browser = new Client(hub.url);
    await browser.signIn('owner@a.example');
    expect((await browser.patch('/api/me', { locale: 'ko' })).body).toMatchObject({ locale: 'ko' });
    expect((await browser.patch('/api/me', { locale: 'fr' })).status).toBe(400);
    const elsewhere = new Client(hub.url);
    expect((await elsewhere.signIn('owner@a.example')).body.user.locale).toBe('ko');
    await browser.patch('/api/me', { locale: 'ja' });
  });

  it('refuses a state-changing cookie request without the CSRF header or with a wrong one (403 CSRF_FAILED), and changes nothing', async () => {
    const browser = new Client(hub.url);
    await browser.signIn('owner@a.example');
    const missing = await browser.patch('/api/me', { name: 'Hacked' }, { csrf: false });
    expect(missing.status).toBe(403);
    expect(missing.body.error.code).toBe('CSRF_FAILED');
    // Another session's CSRF token is not this session's.
    const other = new Client(hub.url);
    await other.signIn('owner@a.example');
    const wrong = await browser.patch('/api/me', { name: 'Hacked' }, { csrf: other.cookies.get('smartship_csrf')! });
    expect(wrong.status).toBe(403);
    expect((await browser.post('/api/tokens', { name: 'x' }, { csrf: 'x' })).status).toBe(403);
    expect((await browser.delete('/api/session', { csrf: false })).status).toBe(403);
    expect((await browser.get('/api/me')).body.name).toBe('Owner A');
    // Reads need no CSRF header; with the right header the change goes through.
    expect((await browser.patch('/api/me', { name: 'Aiko' })).body.name).toBe('Aiko');
  });

  it('creates an API token shown once; it authenticates without CSRF, is listed without its value, and stops working when revoked', async () => {
    // The clock has moved days by now: sign in afresh.
    owner = new Client(hub.url);
    await owner.signIn('owner@a.example');
    const created = await owner.post('/api/tokens', { name: 'nightly export' });
    expect(created.status).toBe(201);
    expect(created.body.token).toMatch(/^sst_[A-Za-z0-9_-]{40,}$/);
    const script = new Client(hub.url);
    script.bearer = created.body.token;
    expect(await script.get('/api/me')).toMatchObject({ status: 200, body: { email: 'owner@a.example' } });
    // No cookie, no CSRF header: a bearer request may change state.
    expect((await script.patch('/api/me', { locale: 'en' }, { csrf: false })).status).toBe(200);

    const listed = await owner.get('/api/tokens');
    const entry = listed.body.tokens.find((t: { id: string }) => t.id === created.body.id);
    expect(entry).toMatchObject({ name: 'nightly export', lastUsedAt: expect.any(String) });
    expect(JSON.stringify(listed.body)).not.toContain(created.body.token);
    const stored = await hub.db.selectFrom('api_tokens').selectAll().execute();
    expect(JSON.stringify(stored)).not.toContain(created.body.token);

    expect((await owner.delete(`/api/tokens/${created.body.id}`)).status).toBe(204);
    const after = await script.get('/api/me');
    expect(after.status).toBe(401);
    expect(after.body.error.code).toBe('UNAUTHENTICATED');
    expect((await owner.get('/api/tokens')).body.tokens.map((t: { id: string }) => t.id)).not.toContain(created.body.id);
    expect((await owner.delete(`/api/tokens/${created.body.id}`)).status).toBe(404);
    const garbage = new Client(hub.url);
    garbage.bearer = 'sst_not-a-token';
    expect((await garbage.get('/api/me')).status).toBe(401);
  });
});
