import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { startCli, type Running } from '../test/helpers/cli.ts';
import { closedPort } from '../test/helpers/net.ts';
import { startSandbox, type RunningSandbox } from '../src/sandbox/elevenst/server.ts';
import { catalogs, type Locale } from '../src/platform/i18n/index.ts';
import { completeSetup, haveChromium, launchChromium, SHOTS } from './browser.ts';

// Orders › Shopping mall integration › Shopping mall API settings in a real browser, against a real
// hub and the 11st sandbox started here: register through the form, the connection test before and
// after saving (OK, wrong key, IP not registered, maintenance), a refused registration, edit, disable,
// delete; in Japanese and in Korean, with screenshots of each screen.

const chromiumHere = haveChromium(import.meta.filename);
const API_KEY = 'e2e-connections-key-5f3a9c1d';
/** A key the sandbox only accepts from 198.51.100.7, so the hub (127.0.0.1) is refused. */
const ALLOWLISTED_KEY = 'e2e-allowlisted-key-0001';
const EGRESS = '203.0.113.10;203.0.113.11';

describe.skipIf(!chromiumHere)('Shopping mall API settings in Chromium', () => {
  let hub: Running;
  let sandbox: RunningSandbox;
  let dir: string;
  let browser: Browser;
  let page: Page;
  /** An address where nothing listens: the connection is refused. */
  let closedUrl: string;

  const shot = async (locale: Locale, screen: string, fullPage = false) => {
    // A full-page shot from a scrolled page would paint the sticky header mid-page.
    if (fullPage) await page.mouse.wheel(0, -100_000);
    await page.screenshot({ path: join(SHOTS, `${locale}-connections-${screen}.png`), fullPage });
  };
  const chaos = (body: unknown) => fetch(`${sandbox.url}/__sandbox/chaos`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const connectionsApi = () => page.evaluate(async () => ((await (await fetch('/api/connections')).json()) as { items: Array<Record<string, unknown> & { options: Record<string, unknown> }> }).items);

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    dir = mkdtempSync(join(tmpdir(), 'smartship-e2e-connections-'));
    const started = Promise.all([
      startCli(['start'], { cwd: dir, env: { LOG_LEVEL: 'info', SMARTSHIP_EGRESS_IPS: '203.0.113.10,203.0.113.11' }, timeoutMs: 90_000 }),
      startSandbox({ port: 0, apiKey: API_KEY }),
      launchChromium(),
    ]);
    [hub, sandbox, browser] = await started;
    const key = await fetch(`${sandbox.url}/__sandbox/keys`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ apiKey: ALLOWLISTED_KEY, allowIps: ['198.51.100.7'] }) });
    expect(key.status).toBe(200);
    closedUrl = `http://127.0.0.1:${await closedPort()}`;
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'en-US' });
    context.setDefaultTimeout(10_000);
    page = await context.newPage();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await hub?.stop();
    await sandbox?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('completes the first-run setup', async () => {
    await completeSetup(page, hub);
  });

  for (const locale of ['ja', 'ko'] as const) {
    it(`${locale}: registers an 11st connection through the form, tests it before and after saving, edits, disables and deletes it`, async () => {
      const L = catalogs[locale];
      const C = L.connections;
      const shopId = `hanako-${locale}`;
      const form = page.getByTestId('connection-form');
      const result = page.getByTestId('test-result');
      const formTest = async (expected: string) => {
        await form.getByTestId('connection-test').click();
        await form.locator(`[data-testid="test-result"][data-result="${expected}"]`).waitFor();
      };

      // The server's messages follow the user's saved language: wait until it is saved.
      await page.goto(`${hub.url}/`);
      const saved = page.waitForResponse((r) => r.url().endsWith('/api/me') && r.request().method() === 'PATCH');
      await page.getByTestId('language-select').selectOption(locale);
      expect((await saved).status()).toBe(200);

      // Orders › Shopping mall integration › Shopping mall API settings.
      const menu = page.getByTestId('side-menu');
      expect(await menu.textContent()).toContain(L.menu.orders);
      expect(await menu.textContent()).toContain(L.menu.mallIntegration);
      await menu.getByRole('link', { name: L.menu.mallApiSettings, exact: true }).click();
      await page.getByRole('heading', { level: 1, name: L.menu.mallApiSettings }).waitFor();
      await page.waitForURL('**/orders/mall-integration/api-settings');

      // Nothing yet: the empty state points to New registration; step 1 of the guide is open with the IPs.
      expect(await page.getByTestId('empty-state').textContent()).toContain(C.emptyTitle);
      expect(await page.getByTestId('egress-ips').locator('input').inputValue()).toBe(EGRESS);
      expect(await page.getByTestId('guide-panel').textContent()).toContain(C.guide.step3);
      await shot(locale, 'empty');

      // [+ New registration] → choose 11st → the registration form.
      await page.getByRole('button', { name: `+ ${L.terms.newRegistration}` }).first().click();
      await page.getByTestId('choose-mall').getByRole('button', { name: C.malls['11st'] }).click();
      await form.getByRole('heading', { name: C.formTitle }).waitFor();
      await expect.poll(() => page.locator(':focus').getAttribute('name')).toBe('shopId');
      await form.getByLabel(L.terms.shopId, { exact: true }).fill(shopId);
      const apiKey = form.getByLabel(L.terms.apiKey, { exact: true });
      expect(await apiKey.getAttribute('type')).toBe('password');
      await apiKey.fill(API_KEY);
      await form.getByText(L.terms.additionalSettings).click();
      expect(await form.getByLabel(C.defaultCarrier).inputValue()).toBe('00108');
      expect(await form.getByLabel(C.importInterval).inputValue()).toBe('5');
      await form.getByText(C.advanced, { exact: true }).click();
      await form.getByLabel(C.baseUrl).fill(sandbox.url);
      await shot(locale, 'form', true);

      // Connection test before saving: OK, then a wrong key, then a key 11st only takes from another IP.
      await formTest('OK');
      expect(await result.textContent()).toContain(L.connections.test.OK.split('{{')[0]!.trim());
      expect(await result.getByTestId('round-trip').textContent()).toMatch(/^\d[\d,]* ms$/);
      await result.screenshot({ path: join(SHOTS, `${locale}-connections-test-ok.png`) });
      await shot(locale, 'form-test-ok', true);

      await apiKey.fill('not-the-right-key-000');
      await formTest('INVALID_API_KEY');
      expect(await result.textContent()).toContain(C.resultTitle.INVALID_API_KEY);
      expect(await result.textContent()).toContain(L.connections.test.INVALID_API_KEY);
      await result.screenshot({ path: join(SHOTS, `${locale}-connections-test-invalid-key.png`) });

      await apiKey.fill(ALLOWLISTED_KEY);
      await formTest('IP_NOT_ALLOWED');
      expect(await result.getByTestId('caller-ip').textContent()).toBe('127.0.0.1');
      expect(await result.getByTestId('result-egress-ips').locator('input').inputValue()).toBe(EGRESS);
      expect(await result.textContent()).toContain(EGRESS);
      await result.screenshot({ path: join(SHOTS, `${locale}-connections-test-ip-not-allowed.png`) });

      // Nothing listens at the address: a network error that names its kind.
      await apiKey.fill(API_KEY);
      await form.getByLabel(C.baseUrl).fill(closedUrl);
      await formTest('NETWORK_ERROR');
      expect(await result.getByTestId('network-kind').textContent()).toBe(C.networkKinds.REFUSED);
      await result.screenshot({ path: join(SHOTS, `${locale}-connections-test-network-error.png`) });
      await form.getByLabel(C.baseUrl).fill(sandbox.url);

      // Save with the right key; the form stays open on the saved connection for the test after saving.
      await apiKey.fill(API_KEY);
      await form.getByRole('button', { name: C.register }).click();
      await form.getByText(C.created.replace('{{name}}', `${C.malls['11st']} ${shopId}`)).waitFor();
      expect(await form.getByLabel(L.terms.apiKey, { exact: true }).inputValue()).toBe('');
      expect(await form.textContent()).toContain('••••9c1d');
      await formTest('OK');
      await result.screenshot({ path: join(SHOTS, `${locale}-connections-test-saved-ok.png`) });

      // 11st in maintenance.
      expect((await chaos({ maintenance: true })).status).toBe(200);
      try {
        await formTest('MAINTENANCE');
        expect(await result.textContent()).toContain(L.connections.test.MAINTENANCE);
        await result.screenshot({ path: join(SHOTS, `${locale}-connections-test-maintenance.png`) });
      } finally {
        await chaos({ maintenance: false });
      }
      await form.getByRole('button', { name: L.common.close }).click();

      // The list: the last test (maintenance) with its time; test again from the row → OK.
      const table = page.getByTestId('connections-table');
      const row = table.locator('tbody tr', { hasText: shopId });
      await row.locator('[data-testid="last-test"][data-result="MAINTENANCE"]').waitFor();
      await row.getByRole('button', { name: L.terms.connectionTest }).click();
      await row.locator('[data-testid="last-test"][data-result="OK"]').waitFor();
      expect(await row.textContent()).toContain(C.malls['11st']);
      expect(await row.textContent()).toContain(C.enabled);
      await shot(locale, 'list');

      // The same Shop ID again is refused in the user's language; a too-short key names the field.
      await page.getByRole('button', { name: `+ ${L.terms.newRegistration}` }).click();
      await page.getByTestId('choose-mall').getByRole('button', { name: C.malls['11st'] }).click();
      await form.getByLabel(L.terms.shopId, { exact: true }).fill(shopId);
      await form.getByLabel(L.terms.apiKey, { exact: true }).fill(API_KEY);
      await form.getByRole('button', { name: C.register }).click();
      await expect.poll(() => form.getByTestId('form-error').textContent()).toBe(L.errors.connectionExists);
      await shot(locale, 'error-exists', true);
      await form.getByLabel(L.terms.shopId, { exact: true }).fill(`${shopId}-2`);
      await form.getByLabel(L.terms.apiKey, { exact: true }).fill('short');
      await form.getByRole('button', { name: C.register }).click();
      await expect.poll(() => form.getByTestId('form-error').textContent()).toContain(L.errors.validationFailed.replace('{{fields}}', L.terms.apiKey));
      expect(await form.getByLabel(L.terms.apiKey, { exact: true }).getAttribute('aria-invalid')).toBe('true');
      await form.getByRole('button', { name: L.common.close }).click();
      expect(await connectionsApi()).toHaveLength(1);

      // Edit: turn on automatic order confirmation and a longer interval; the key is kept.
      await row.getByRole('button', { name: C.edit }).click();
      await form.getByRole('heading', { name: C.editTitle.replace('{{name}}', `${C.malls['11st']} ${shopId}`) }).waitFor();
      await form.getByLabel(L.terms.autoOrderConfirmation).check();
      await form.getByText(L.terms.additionalSettings).click();
      await form.getByLabel(C.importInterval).fill('15');
      // A key typed here replaces the stored one (the same key again, so the sandbox still takes it).
      await form.getByLabel(L.terms.apiKey, { exact: true }).fill(API_KEY);
      await shot(locale, 'edit', true);
      const keyReplaced = page.waitForResponse((r) => r.url().endsWith('/api-key') && r.request().method() === 'PUT');
      await form.getByRole('button', { name: C.save, exact: true }).click();
      expect((await keyReplaced).status()).toBe(200);
      await page.getByText(C.updated.replace('{{name}}', `${C.malls['11st']} ${shopId}`)).waitFor();
      await row.locator('[data-option="autoConfirm"][data-on="true"]').waitFor();
      const [saved1] = await connectionsApi();
      expect(saved1!.options).toMatchObject({ autoImport: true, autoConfirm: true, importIntervalMinutes: 15 });
      expect(saved1!.apiKeyMasked).toBe('••••9c1d');

      // Disable, enable.
      await row.getByRole('button', { name: C.disable, exact: true }).click();
      await row.getByText(C.disabled, { exact: true }).waitFor();
      await row.getByRole('button', { name: C.enable, exact: true }).click();
      await row.getByText(C.enabled, { exact: true }).waitFor();

      // Delete behind a confirmation that says the imported orders are kept.
      await row.getByRole('button', { name: C.delete }).click();
      const dialog = page.getByRole('dialog');
      expect(await dialog.textContent()).toContain(C.confirmDelete.replace('{{name}}', `${C.malls['11st']} ${shopId}`));
      await shot(locale, 'delete-confirm');
      await dialog.getByRole('button', { name: C.delete }).click();
      await page.getByText(C.deleted.replace('{{name}}', `${C.malls['11st']} ${shopId}`)).waitFor();
      await page.getByTestId('empty-state').waitFor();
      expect(await connectionsApi()).toHaveLength(0);
    });
  }
});
