import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startCli, type Running } from '../test/helpers/cli.ts';
import { catalogs, type Locale } from '../src/platform/i18n/index.ts';
import { haveChromium, launchChromium, OWNER, setupTokenOf, SHOTS } from './browser.ts';

// The console in a real browser against a real hub: first run, sign-in, wrong password, lock-out,
// language switch, sign-out, and screenshots of every main screen in ja / ko / en.

const chromiumHere = haveChromium(import.meta.filename);

describe.skipIf(!chromiumHere)('web console in Chromium', () => {
  let hub: Running;
  let dir: string;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;

  const menu = () => page.getByTestId('side-menu');
  const shot = async (locale: Locale, screen: string, target: Page = page) => {
    await target.screenshot({ path: join(SHOTS, `${locale}-${screen}.png`) });
  };
  const chooseLanguage = async (locale: Locale, target: Page = page) => {
    await target.getByTestId('language-select').selectOption(locale);
  };
  /** Opens a menu page by its label in the current language and waits for its heading. */
  const open = async (label: string, heading = label) => {
    await menu().getByRole('link', { name: label, exact: true }).click();
    await page.getByRole('heading', { level: 1, name: heading }).waitFor();
  };
  const signIn = async (email: string, password: string, target: Page = page) => {
    await target.getByLabel(/Email|メールアドレス|이메일/).fill(email);
    await target.getByLabel(/^(Password|パスワード|비밀번호)$/).fill(password);
    await target.getByLabel(/^(Password|パスワード|비밀번호)$/).press('Enter');
  };

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    dir = mkdtempSync(join(tmpdir(), 'smartship-e2e-'));
    // The first start may build the bundle (about 2 s); later starts find it fresh.
    hub = await startCli(['start'], { cwd: dir, env: { LOG_LEVEL: 'info' }, timeoutMs: 90_000 });
    browser = await launchChromium();
    context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'en-US' });
    context.setDefaultTimeout(10_000);
    page = await context.newPage();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await hub?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('serves the console at / with the SPA fallback, but never for /api', async () => {
    const index = await fetch(`${hub.url}/settings/users`);
    expect(index.status).toBe(200);
    expect(index.headers.get('cache-control')).toBe('no-cache');
    const html = await index.text();
    expect(html).toContain('<div id="root">');
    const asset = /src="(\/assets\/[^"]+\.js)"/.exec(html)![1]!;
    expect((await fetch(`${hub.url}${asset}`)).headers.get('cache-control')).toContain('immutable');
    const api = await fetch(`${hub.url}/api/no-such-route`);
    expect(api.status).toBe(404);
    expect(await api.json()).toMatchObject({ error: { code: 'NOT_FOUND' } });
    expect((await fetch(`${hub.url}/assets/missing-0000.js`)).status).toBe(404);
  });

  it('first run: shows the setup page (in each language), creates the seller and owner with the setup token, lands on home', async () => {
    await page.goto(hub.url);
    await page.waitForURL('**/setup');
    for (const locale of ['ja', 'ko', 'en'] as const) {
      await chooseLanguage(locale);
      await page.getByRole('heading', { level: 1, name: catalogs[locale].setup.title }).waitFor();
      await shot(locale, 'setup');
    }
    // The field that takes focus first is the setup token; the browser's language (en-US) is used.
    await expect.poll(() => page.locator(':focus').getAttribute('name')).toBe('setupToken');

    // A wrong token gets a clear error and creates nothing.
    await page.getByLabel('Setup token').fill('not-the-token');
    await page.getByLabel('Seller name').fill(OWNER.seller);
    await page.getByLabel('Your name').fill(OWNER.name);
    await page.getByLabel('Email').fill(OWNER.email);
    await page.getByLabel('Password').fill(OWNER.password);
    await page.getByRole('button', { name: 'Create and sign in' }).click();
    await expect.poll(() => page.getByTestId('form-error').textContent()).toBe(catalogs.en.errors.setupTokenInvalid);

    const token = setupTokenOf(hub);
    expect(token, 'setup token in the server log').toBeTruthy();
    await page.getByLabel('Setup token').fill(token!);
    await page.getByLabel('Password').press('Enter');
    await page.getByRole('heading', { level: 1, name: 'Home' }).waitFor();
    expect(await page.getByTestId('empty-state').textContent()).toContain('Nothing waiting');
    expect(await page.locator('.seller-name').textContent()).toBe(OWNER.seller);
  });

  it('every main screen in English: a token shown once then revoked, a user added then disabled', async () => {
    await shot('en', 'home');

    await open('API tokens');
    await page.getByLabel('Name').fill('nightly export');
    await page.getByLabel('Name').press('Enter');
    const created = page.getByTestId('new-token');
    await created.waitFor();
    expect(await created.textContent()).toContain(catalogs.en.tokens.shownOnce);
    expect(await created.locator('input').inputValue()).toMatch(/\S{20,}/);
    await shot('en', 'tokens');

    await open('Users');
    await page.getByRole('button', { name: '+ Add user' }).click();
    await page.getByLabel('Name').fill('Kim Minji');
    await page.getByLabel('Email').fill('minji@example.com');
    await page.getByLabel('Role', { exact: true }).selectOption('operator');
    await page.getByLabel('Initial password').fill('another good password');
    await page.getByLabel('Initial password').press('Enter');
    await page.getByText('User Kim Minji added.').waitFor();
    await page.getByTestId('users-table').getByText('minji@example.com').waitFor();
    await shot('en', 'users');

    await open('Audit log');
    // Actions by name, in the user's language; the filter offers the same names.
    await page.getByTestId('audit-table').getByText('API token created').waitFor();
    expect(await page.getByTestId('audit-action-filter').locator('option', { hasText: 'API token created' }).getAttribute('value')).toBe('token.created');
    await shot('en', 'audit-log');

    await open('My account');
    await shot('en', 'account');

    // Disable a user and revoke the token, each behind a confirmation dialog.
    await open('Users');
    await page.getByRole('button', { name: 'Disable' }).click();
    await page.getByRole('dialog').getByText('Disable Kim Minji?', { exact: false }).waitFor();
    await page.getByRole('dialog').getByRole('button', { name: 'Disable' }).click();
    await page.getByTestId('users-table').getByText('Disabled').waitFor();
    await open('API tokens');
    await page.getByRole('button', { name: 'Revoke' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Revoke' }).click();
    await page.getByText('Token “nightly export” revoked.').waitFor();
    await page.getByText(catalogs.en.tokens.empty).waitFor();
  });

  it('signs out, refuses a wrong password with a clear message, then signs in again', async () => {
    await page.getByTestId('sign-out').click();
    await page.waitForURL('**/sign-in');
    await page.getByText(catalogs.en.signIn.signedOut).waitFor();
    // Signed out means signed out: the API refuses the old cookies' session.
    expect(await page.evaluate(async () => (await fetch('/api/me')).status)).toBe(401);

    await signIn(OWNER.email, 'wrong password!');
    await expect.poll(() => page.getByTestId('form-error').textContent()).toBe(catalogs.en.errors.invalidCredentials);
    // The caret goes back to the password, so the user can type it again and press Enter.
    await expect.poll(() => page.locator(':focus').getAttribute('name')).toBe('password');
    await shot('en', 'sign-in-error');
    await page.reload();
    await shot('en', 'sign-in');

    await signIn(OWNER.email, OWNER.password);
    await page.getByRole('heading', { level: 1, name: 'Home' }).waitFor();
  });

  it('says so when sign-in is locked after repeated failures', async () => {
    const anonymous = await browser.newContext({ locale: 'en-US' });
    const other = await anonymous.newPage();
    await other.goto(`${hub.url}/sign-in`);
    for (let i = 0; i < 6; i++) {
      const answered = other.waitForResponse((r) => r.url().endsWith('/api/session'));
      await signIn('nobody@example.com', `guess ${i}`, other);
      expect((await answered).status()).toBe(i < 5 ? 401 : 429);
    }
    await expect.poll(() => other.getByTestId('form-error').textContent()).toBe(catalogs.en.errors.tooManyAttempts);
    await anonymous.close();
  });

  it('switches the language from the header; the menu changes and the choice survives a reload and the next sign-in', async () => {
    for (const locale of ['ja', 'ko'] as const) {
      const words = catalogs[locale].menu;
      await page.goto(`${hub.url}/`);
      await chooseLanguage(locale);
      await menu().getByRole('link', { name: words.home, exact: true }).waitFor();
      expect(await menu().textContent()).toContain(words.settings);
      expect(await menu().textContent()).toContain(words.apiTokens);
      await page.reload();
      await menu().getByRole('link', { name: words.users, exact: true }).waitFor();
      expect(await page.locator('html').getAttribute('lang')).toBe(locale);

      await page.getByRole('heading', { level: 1, name: catalogs[locale].home.title }).waitFor();
      await shot(locale, 'home');
      await open(words.users);
      await shot(locale, 'users');
      await open(words.apiTokens);
      await shot(locale, 'tokens');
      await open(words.auditLog);
      await page.getByTestId('audit-table').getByText(catalogs[locale].auditActions.token.created).first().waitFor();
      await shot(locale, 'audit-log');
      await open(words.account);
      await shot(locale, 'account');
    }

    // Remembered per user, not per browser: a fresh browser (English) signs in and gets Korean.
    const fresh = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'en-US' });
    const p = await fresh.newPage();
    await p.goto(`${hub.url}/`);
    await p.waitForURL('**/sign-in');
    await p.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor();
    for (const locale of ['ja', 'ko'] as const) {
      await chooseLanguage(locale, p);
      await p.getByRole('heading', { level: 1, name: catalogs[locale].signIn.title }).waitFor();
      await shot(locale, 'sign-in', p);
    }
    await chooseLanguage('en', p);
    await signIn(OWNER.email, OWNER.password, p);
    await p.getByTestId('side-menu').getByRole('link', { name: catalogs.ko.menu.home, exact: true }).waitFor();
    await fresh.close();
  });

  it('a browser in Japanese starts in Japanese; on a tablet the menu collapses behind a button', async () => {
    const tablet = await browser.newContext({ viewport: { width: 800, height: 1100 }, locale: 'ja-JP' });
    const p = await tablet.newPage();
    await p.goto(`${hub.url}/sign-in`);
    await p.getByRole('heading', { level: 1, name: catalogs.ja.signIn.title }).waitFor();
    await signIn(OWNER.email, OWNER.password, p);
    // The owner chose Korean last; the profile wins over the browser once signed in.
    await p.getByRole('heading', { level: 1, name: catalogs.ko.home.title }).waitFor();
    await chooseLanguage('ja', p);
    const sideMenu = p.getByTestId('side-menu');
    expect(await sideMenu.isVisible() && (await sideMenu.boundingBox())!.x >= 0).toBe(false);
    await shot('ja', 'tablet-home', p);
    await p.getByRole('button', { name: catalogs.ja.menu.openMenu }).click();
    await sideMenu.getByRole('link', { name: catalogs.ja.menu.users }).waitFor();
    await expect.poll(async () => (await sideMenu.boundingBox())?.x).toBe(0);
    await shot('ja', 'tablet-menu', p);
    await sideMenu.getByRole('link', { name: catalogs.ja.menu.users }).click();
    await p.getByRole('heading', { level: 1, name: catalogs.ja.users.title }).waitFor();
    await shot('ja', 'tablet-users', p);
    await tablet.close();
  });
});
