import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { startCli, type Running } from '../test/helpers/cli.ts';
import { startSandbox, type RunningSandbox } from '../src/sandbox/elevenst/server.ts';
import { catalogs, type Locale } from '../src/platform/i18n/index.ts';
import { completeSetup, haveChromium, launchChromium, SHOTS } from './browser.ts';

// Orders › Order list, the order page and the import runs in a real browser, against a real hub and
// the 11st sandbox started here: Import now, filters and search, tabs, load more, the order page,
// bulk order confirmation (a line with a pending cancel request is refused and says why), a cancel
// request read by a second import and approved; in Japanese and in Korean, with screenshots.

const chromiumHere = haveChromium(import.meta.filename);
const API_KEY = 'e2e-orders-key-7c2d41aa';
const RANDOM_ORDERS = 90;

interface SandboxOrder {
  ordNo: string;
  lines: Array<{ ordPrdSeq: string; dlvNo: string; status: string }>;
}
interface ApiLine {
  id: string;
  orderId: string;
  mallOrderNo: string;
  mallLineNo: string;
  status: string;
}

describe.skipIf(!chromiumHere)('Orders console in Chromium', () => {
  let hub: Running;
  let sandbox: RunningSandbox;
  let dir: string;
  let browser: Browser;
  let page: Page;
  /** A two-line bundle, a line the buyer cancels before the first import, one cancelled before the second. */
  let bundleOrder: SandboxOrder;
  let cancelledEarly: SandboxOrder;
  let cancelledLater: SandboxOrder;
  let connectionId: string;

  const shot = async (locale: Locale, screen: string, fullPage = false) => {
    if (fullPage) await page.mouse.wheel(0, -100_000);
    await page.screenshot({ path: join(SHOTS, `${locale}-orders-${screen}.png`), fullPage });
  };
  const control = async <T>(path: string, body: unknown): Promise<T> => {
    const res = await fetch(`${sandbox.url}/__sandbox/${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect(res.status, `${path}: ${await res.clone().text()}`).toBe(200);
    return (await res.json()) as T;
  };
  const sandboxLines = async () => ((await (await fetch(`${sandbox.url}/__sandbox/state`)).json()) as { lines: Array<{ ordNo: string; ordPrdSeq: string; status: string }> }).lines;
  /** The hub's API from inside the signed-in page (session cookie and CSRF header). */
  const hubApi = <T>(method: string, path: string, body?: unknown) =>
    page.evaluate(
      async ({ method, path, body }) => {
        const cookie = (globalThis as unknown as { document: { cookie: string } }).document.cookie;
        const csrf = /(?:^|;\s*)smartship_csrf=([^;]*)/.exec(cookie)?.[1];
        const res = await fetch(path, { method, headers: { 'content-type': 'application/json', ...(csrf ? { 'x-csrf-token': decodeURIComponent(csrf) } : {}) }, body: body === undefined ? undefined : JSON.stringify(body) });
        return { status: res.status, body: (await res.json()) as unknown };
      },
      { method, path, body },
    ) as Promise<{ status: number; body: T }>;
  const linesOf = async (mallOrderNo: string) => (await hubApi<{ items: ApiLine[] }>('GET', `/api/order-lines?q=${mallOrderNo}`)).body.items;
  const useLocale = async (locale: Locale) => {
    await page.goto(`${hub.url}/`);
    const saved = page.waitForResponse((r) => r.url().endsWith('/api/me') && r.request().method() === 'PATCH');
    await page.getByTestId('language-select').selectOption(locale);
    expect((await saved).status()).toBe(200);
  };
  const openList = async (locale: Locale) => {
    const L = catalogs[locale];
    await page.getByTestId('side-menu').getByRole('link', { name: L.menu.orderList, exact: true }).click();
    await page.getByRole('heading', { level: 1, name: L.menu.orderList }).waitFor();
  };
  const importNow = async () => {
    const row = page.getByTestId('import-row').filter({ has: page.locator(`[data-connection="${connectionId}"]`) }).first();
    await page.locator(`[data-testid="import-row"][data-connection="${connectionId}"]`).getByTestId('import-now').click();
    await page.locator(`[data-testid="import-progress"][data-connection="${connectionId}"][data-status="succeeded"]`).waitFor({ timeout: 20_000 });
    return row;
  };
  const tabCount = async (status: string) => Number((await page.locator(`.status-tab[data-status="${status}"] [data-testid="tab-count"]`).textContent())!.replace(/\D/g, ''));
  const rows = () => page.getByTestId('order-row');

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    dir = mkdtempSync(join(tmpdir(), 'smartship-e2e-orders-'));
    [hub, sandbox, browser] = await Promise.all([
      startCli(['start'], { cwd: dir, env: { LOG_LEVEL: 'info' }, timeoutMs: 90_000 }),
      startSandbox({ port: 0, apiKey: API_KEY }),
      launchChromium(),
    ]);
    await control('orders', { apiKey: API_KEY, count: RANDOM_ORDERS });
    const recent = (minutesAgo: number) => new Date(Date.now() - minutesAgo * 60_000).toISOString();
    const made = await control<{ orders: SandboxOrder[] }>('orders', {
      apiKey: API_KEY,
      orders: [
        { ordDt: recent(3), bundle: true, ordNm: '김민준', rcvrNm: '김민준', rcvrPrtblNo: '010-2468-1357', ordDlvReqCont: '문 앞에 놓아 주세요', lines: [{ qty: 2 }, { qty: 1 }] },
        { ordDt: recent(2), rcvrNm: '이서연', rcvrPrtblNo: '010-1111-2222', lines: [{ qty: 1 }] },
        { ordDt: recent(1), rcvrNm: '박지훈', rcvrPrtblNo: '010-3333-4444', lines: [{ qty: 3 }] },
      ],
    });
    [bundleOrder, cancelledEarly, cancelledLater] = made.orders as [SandboxOrder, SandboxOrder, SandboxOrder];
    // The buyer of the second order asks to cancel before the hub has seen it.
    await control('cancel-requests', { ordNo: cancelledEarly.ordNo, ordPrdSeq: cancelledEarly.lines[0]!.ordPrdSeq, reason: '단순 변심' });
    const context = await browser.newContext({ viewport: { width: 1366, height: 860 }, locale: 'en-US' });
    context.setDefaultTimeout(10_000);
    page = await context.newPage();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await hub?.stop();
    await sandbox?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('sets up the seller and registers the 11st connection (through the API)', async () => {
    await completeSetup(page, hub);
    // Import only when asked (no schedule), confirmation by hand.
    const created = await hubApi<{ id: string }>('POST', '/api/connections', {
      mall: '11st',
      name: '11번가 hanako',
      shopId: 'hanako',
      apiKey: API_KEY,
      baseUrl: sandbox.url,
      options: { autoImport: false, autoConfirm: false, autoFulfillment: false, autoStockSync: false },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    connectionId = created.body.id;
  });

  it('ja: Import now, tabs with counts, filters, search, load more, the order page, bulk confirmation and the run log', async () => {
    const L = catalogs.ja;
    const O = L.orders;
    await useLocale('ja');
    await openList('ja');
    await page.getByTestId('empty-state').getByText(O.emptyNoOrdersTitle).waitFor();
    await shot('ja', 'empty');

    // Import now: the row follows the run and says what came in.
    await importNow();
    const progress = page.getByTestId('import-progress');
    expect(await progress.textContent()).toMatch(/取込が完了しました。取得 \d+件、新規 \d+件/);
    const expected = (await sandboxLines()).length;
    await expect.poll(() => tabCount('all')).toBe(expected);
    expect(await tabCount('cancel_requested')).toBe(1);
    expect(await tabCount('new')).toBe(expected - 1);
    // Newest payment first, the first page only (keyset): load more brings the rest.
    expect(await rows().count()).toBe(Math.min(100, expected));
    expect(expected).toBeGreaterThan(100);
    await shot('ja', 'list');
    await page.getByTestId('load-more').click();
    await expect.poll(() => rows().count()).toBe(expected);
    await expect.poll(() => page.getByTestId('load-more').count()).toBe(0);

    // The pending cancel request is red in the list, in its own tab.
    const early = page.locator('[data-testid="order-row"][data-status="cancel_requested"]');
    expect(await early.count()).toBe(1);
    expect(await early.textContent()).toContain(cancelledEarly.ordNo);
    expect(await early.textContent()).toContain(O.status.cancel_requested);
    await page.locator('.status-tab[data-status="cancel_requested"]').click();
    await expect.poll(() => rows().count()).toBe(1);
    await page.waitForURL('**/orders/order-list?status=cancel_requested');
    await page.locator('.status-tab[data-status="all"]').click();
    await page.waitForURL((url) => url.search === '');

    // Search by receiver name, by phone and by order number: the two-line bundle, grouped.
    const filters = page.getByTestId('order-filters');
    const search = filters.getByLabel(O.filters.search);
    await search.fill('김민준');
    await search.press('Enter');
    await expect.poll(() => rows().count()).toBe(2);
    const bundle = page.locator(`[data-testid="bundle"][data-delivery-no="${bundleOrder.lines[0]!.dlvNo}"]`);
    expect(await bundle.getByTestId('order-row').count()).toBe(2);
    expect(await bundle.textContent()).toContain(O.bundleShort.replace('{{count}}', '2'));
    expect(await bundle.textContent()).toMatch(/₩[\d,]+/);
    await shot('ja', 'search');
    await search.fill('2468-1357');
    await search.press('Enter');
    await expect.poll(() => rows().count()).toBe(2);
    await search.fill(cancelledLater.ordNo);
    await search.press('Enter');
    await expect.poll(() => rows().count()).toBe(1);
    expect(await rows().first().textContent()).toContain('박지훈');
    await search.fill('該当なし-zzz');
    await search.press('Enter');
    await page.getByTestId('empty-state').getByText(O.emptyFilteredTitle).waitFor();
    await filters.getByRole('button', { name: O.filters.clear }).click();
    await expect.poll(() => rows().count()).toBe(expected); // the pages already loaded, from the cache

    // Filters: mall status 決済完了 (202) and claim 取消申請.
    await filters.getByLabel(O.filters.mallStatus).selectOption('paid');
    await expect.poll(() => tabCount('all')).toBe(expected);
    expect(await filters.getByLabel(O.filters.mallStatus).locator('option:checked').textContent()).toBe('決済完了 (202)');
    await filters.getByLabel(O.filters.claim).selectOption('cancel_requested');
    await expect.poll(() => rows().count()).toBe(1);
    expect(await tabCount('all')).toBe(1);
    await filters.getByRole('button', { name: O.filters.clear }).click();
    await expect.poll(() => rows().count()).toBe(expected); // the pages already loaded, from the cache

    // The order page of the bundle: lines, bundle, buyer and receiver, memo, amounts, timeline, raw record.
    await page.getByTestId('order-link').filter({ hasText: bundleOrder.ordNo }).first().click();
    await page.getByRole('heading', { level: 1, name: O.order.title.replace('{{orderNo}}', bundleOrder.ordNo) }).waitFor();
    expect(await page.getByTestId('line-row').count()).toBe(2);
    expect(await page.getByTestId('order-bundle').textContent()).toContain(bundleOrder.lines[0]!.dlvNo);
    const main = page.locator('main');
    expect(await main.textContent()).toContain('010-2468-1357');
    expect(await main.textContent()).toContain('문 앞에 놓아 주세요');
    expect(await page.getByTestId('timeline').locator('[data-kind="imported"]').count()).toBe(2);
    const raw = page.getByTestId('raw-record').first();
    await raw.locator('summary').click();
    expect(await raw.locator('pre').textContent()).toContain(bundleOrder.ordNo);
    await shot('ja', 'order', true);
    await page.getByRole('link', { name: O.order.back }).click();

    // Bulk confirmation: the bundle, the line with the cancel request and one more.
    const pick = async (ordNo: string) => {
      for (const l of await linesOf(ordNo)) await page.locator(`[data-testid="order-row"][data-line="${l.id}"] input[type="checkbox"]`).check();
    };
    await pick(bundleOrder.ordNo);
    await pick(cancelledEarly.ordNo);
    await page.locator('[data-testid="order-row"][data-status="new"]').nth(5).locator('input[type="checkbox"]').check();
    await page.getByRole('button', { name: O.confirmSelected.replace('{{count}}', '4') }).click();
    const results = page.getByTestId('confirm-results');
    await results.waitFor();
    await expect.poll(() => results.getAttribute('data-waiting'), { timeout: 20_000 }).toBe('0');
    expect(await results.locator('[data-outcome="confirmed"]').count()).toBe(3);
    const refused = results.locator('[data-outcome="refused"]');
    expect(await refused.count()).toBe(1);
    expect(await refused.textContent()).toContain(O.confirmResult.reasons.CANCEL_REQUESTED);
    expect(await page.getByTestId('confirm-summary').textContent()).toBe(O.confirmResult.summary.replace('{{confirmed}}', '3').replace('{{waiting}}', '0').replace('{{refused}}', '1'));
    await shot('ja', 'bulk-confirm');
    // The mall has them confirmed (301): the whole bundle, once.
    const state = await sandboxLines();
    for (const l of bundleOrder.lines) expect(state.find((s) => s.ordNo === bundleOrder.ordNo && s.ordPrdSeq === l.ordPrdSeq)).toMatchObject({ status: '301' });
    await expect.poll(() => tabCount('confirmed')).toBe(3);

    // The dashboard counts the work and its cards open the filtered list.
    await page.getByTestId('side-menu').getByRole('link', { name: L.menu.home, exact: true }).click();
    const card = page.locator('[data-count="orders.cancelRequested"]');
    expect(await card.textContent()).toContain(L.home.counts.orders.cancelRequested);
    expect(await page.locator('[data-count="orders.toConfirm"] .card-count').textContent()).toBe(String(expected - 4));
    await shot('ja', 'dashboard');
    await card.getByRole('link').click();
    await page.waitForURL('**/orders/order-list?status=cancel_requested');
    await expect.poll(() => rows().count()).toBe(1);

    // The run log: the run, its windows and its calls with result codes and times.
    await page.getByTestId('side-menu').getByRole('link', { name: L.menu.importRuns, exact: true }).click();
    const runs = page.getByTestId('runs-table');
    await runs.waitFor();
    expect(await runs.locator('tbody tr').count()).toBe(1);
    expect(await runs.textContent()).toContain(O.runs.trigger.manual);
    expect(await runs.textContent()).toContain(O.runs.status.succeeded);
    await shot('ja', 'runs');
    await runs.getByTestId('run-link').first().click();
    await page.getByTestId('run-summary').waitFor();
    expect(await page.getByTestId('run-summary').getAttribute('data-status')).toBe('succeeded');
    expect(await page.getByTestId('run-calls').locator('tbody tr').count()).toBeGreaterThan(1);
    expect(await page.getByTestId('run-windows').textContent()).toContain(O.runs.outcome.committed);
    await shot('ja', 'run', true);
  });

  it('ko: a cancel request read by the next import, approved from the order page; bulk confirmation; the run log', async () => {
    const L = catalogs.ko;
    const O = L.orders;
    await useLocale('ko');
    // The buyer of the third order asks to cancel; the next import reads it.
    await control('cancel-requests', { ordNo: cancelledLater.ordNo, ordPrdSeq: cancelledLater.lines[0]!.ordPrdSeq, reason: '배송 지연' });
    await openList('ko');
    await importNow();
    expect(await page.getByTestId('import-progress').textContent()).toMatch(/수집 완료/);
    await expect.poll(() => tabCount('cancel_requested')).toBe(2);
    const red = page.locator('[data-testid="order-row"][data-status="cancel_requested"]');
    expect(await red.count()).toBe(2);
    expect(await red.first().textContent()).toContain(O.status.cancel_requested);
    await shot('ko', 'list');

    // The order page: approve the cancel behind a confirmation.
    await page.getByTestId('order-link').filter({ hasText: cancelledLater.ordNo }).first().click();
    await page.getByRole('heading', { level: 1, name: O.order.title.replace('{{orderNo}}', cancelledLater.ordNo) }).waitFor();
    const line = page.getByTestId('line-row').first();
    expect(await line.getAttribute('data-status')).toBe('cancel_requested');
    expect(await line.getByTestId('line-confirm').count()).toBe(0);
    await line.getByTestId('line-approve-cancel').click();
    const dialog = page.getByRole('dialog');
    expect(await dialog.textContent()).toContain(O.order.approveQuestion.split('{{lineNo}}')[0]!);
    await shot('ko', 'approve-confirm');
    await dialog.getByRole('button', { name: O.order.approveCancel }).click();
    await page.locator('[data-testid="line-row"][data-status="cancelled"]').waitFor({ timeout: 20_000 });
    expect(await page.getByTestId('timeline').textContent()).toContain(O.events.cancel_approval_requested);
    await shot('ko', 'order', true);
    expect((await sandboxLines()).find((s) => s.ordNo === cancelledLater.ordNo)).toMatchObject({ status: 'B01' });

    // Bulk confirmation from the New tab.
    await page.getByRole('link', { name: O.order.back }).click();
    await page.locator('.status-tab[data-status="new"]').click();
    await page.waitForURL('**/orders/order-list?status=new');
    for (let i = 0; i < 3; i++) await rows().nth(i).locator('input[type="checkbox"]').check();
    await page.getByTestId('bulk-confirm').click();
    const results = page.getByTestId('confirm-results');
    await expect.poll(() => results.getAttribute('data-waiting'), { timeout: 20_000 }).toBe('0');
    expect(await results.locator('[data-outcome="confirmed"]').count()).toBe(3);
    expect(await page.getByTestId('confirm-summary').textContent()).toContain('완료 3건');
    await shot('ko', 'bulk-confirm');

    // The run log has both runs, newest first.
    await page.getByTestId('side-menu').getByRole('link', { name: L.menu.importRuns, exact: true }).click();
    const runs = page.getByTestId('runs-table');
    await expect.poll(() => runs.locator('tbody tr').count()).toBe(2);
    await shot('ko', 'runs');
    await runs.getByTestId('run-link').first().click();
    await page.getByTestId('run-calls').waitFor();
    await shot('ko', 'run', true);
  });
});
