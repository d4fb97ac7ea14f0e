import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createElevenstAdapter } from '../../src/marketplaces/elevenst/adapter.ts';
import { createMarketplaceRegistry } from '../../src/marketplaces/registry.ts';
import { MarketplaceError, type ConnectionContext } from '../../src/marketplaces/types.ts';
import { fixtureBytes } from './fixtures.ts';
import { send, startStub } from './http-stub.ts';

let stub: Awaited<ReturnType<typeof startStub>>;
/** Fixture answered per path prefix; the first matching prefix wins. */
let routes: [prefix: string, file: string, status?: number][] = [];

beforeAll(async () => {
  stub = await startStub((req, res) => {
    const hit = routes.find(([p]) => req.url.startsWith(p));
    if (!hit) return send(res, 404, 'no route', 'text/plain');
    send(res, hit[2] ?? 200, fixtureBytes(hit[1]));
  });
});
afterAll(() => stub.close());
beforeEach(() => {
  stub.seen.length = 0;
  routes = [];
});

const NOW = Date.parse('2026-05-02T03:00:00Z'); // 12:00 KST
const adapter = () =>
  createElevenstAdapter({
    now: () => NOW,
    rateLimiter: { take: async () => {} },
    sleep: async () => {},
    retry: { attempts: 3, baseDelayMs: 1 },
  });
const ctx = (): ConnectionContext => ({ connectionId: 'c1', baseUrl: stub.url, credentials: { shopId: 'seller1', apiKey: 'abcdefghijklmnopqrstuvwxyz012345' } });
const window = { from: '2026-04-30T15:00:00Z', to: '2026-05-01T15:00:00Z' };

async function failure(p: Promise<unknown>): Promise<MarketplaceError> {
  const e = await p.then(
    () => undefined,
    (x: unknown) => x,
  );
  if (!(e instanceof MarketplaceError)) throw new Error(`expected a MarketplaceError, got ${String(e)}`);
  return e;
}

describe('11st adapter: orders', () => {
  it('lists paid lines over a KST window and reports whether the row cap was hit', async () => {
    routes = [['/rest/ordservices/complete/', 'complete-rows.xml']];
    const page = await adapter().listOrderLines(ctx(), 'paid', window);
    expect(stub.seen[0]?.url).toBe('/rest/ordservices/complete/202605010000/202605020000');
    expect(page.lines).toHaveLength(4);
    expect(page).toMatchObject({ rowCap: 3000, hitRowCap: false });
  });

  it('lists preparing lines from the packaging list', async () => {
    routes = [['/rest/ordservices/packaging/', 'packaging-rows.xml']];
    const page = await adapter().listOrderLines(ctx(), 'preparing', window);
    expect(stub.seen[0]?.url).toMatch(/^\/rest\/ordservices\/packaging\//);
    expect(page.lines.every((l) => l.mallStatus === 'preparing')).toBe(true);
  });

  it('reads "nothing found" as an empty page', async () => {
    routes = [['/rest/ordservices/complete/', 'complete-empty.xml']];
    expect((await adapter().listOrderLines(ctx(), 'paid', window)).lines).toEqual([]);
  });

  it('refuses a window over 7 days without calling the mall', async () => {
    const e = await failure(adapter().listOrderLines(ctx(), 'paid', { from: '2026-04-01T00:00:00Z', to: '2026-04-08T00:01:00Z' }));
    expect(e.kind).toBe('window_too_long');
    expect(stub.seen).toHaveLength(0);
  });

  it("keeps the mall's code and message on a list error", async () => {
    routes = [['/rest/ordservices/packaging/', 'packaging-error-3305.xml']];
    const e = await failure(adapter().listOrderLines(ctx(), 'preparing', window));
    expect(e).toMatchObject({ kind: 'window_too_long', mallCode: '-3305', mallMessage: '조회 기간은 최대 1주일 입니다.', operation: 'packaging', httpStatus: 200 });
  });

  it('looks up one order by number; unknown order → no lines', async () => {
    routes = [['/rest/ordservices/complete/20260425000000777', 'order-by-no-shipped.xml']];
    const lines = await adapter().getOrder(ctx(), '20260425000000777');
    expect(lines.map((l) => [l.mallOrderNo, l.mallStatus])).toEqual([['20260425000000777', 'shipped']]);
    routes = [['/rest/ordservices/complete/', 'order-by-no-empty.xml']];
    expect(await adapter().getOrder(ctx(), '20260425000000778')).toEqual([]);
  });

  it('tests a connection with a one-hour paid list and reports the IP rejection with the caller IP', async () => {
    routes = [['/rest/ordservices/complete/', 'complete-empty.xml']];
    await expect(adapter().testConnection(ctx())).resolves.toEqual({ ok: true });
    expect(stub.seen[0]?.url).toBe('/rest/ordservices/complete/202605021100/202605021200');
    routes = [['/rest/', 'auth-ip-rejected.xml', 500]];
    stub.seen.length = 0;
    const e = await failure(adapter().testConnection(ctx()));
    expect(e).toMatchObject({ kind: 'ip_not_allowed', callerIp: '203.0.113.9', mallCode: '-500', httpStatus: 500 });
    expect(stub.seen).toHaveLength(1); // not retried
  });

  it('reports a wrong key as invalid_api_key, and missing credentials without calling', async () => {
    routes = [['/rest/', 'complete-error-1-key.xml']];
    expect((await failure(adapter().testConnection(ctx()))).kind).toBe('invalid_api_key');
    stub.seen.length = 0;
    const e = await failure(adapter().testConnection({ connectionId: 'c1', baseUrl: stub.url, credentials: { shopId: 'x' } }));
    expect(e.kind).toBe('invalid_api_key');
    expect(stub.seen).toHaveLength(0);
  });

  it('refuses a base URL that is not http(s) without calling', async () => {
    const e = await failure(adapter().testConnection({ ...ctx(), baseUrl: 'ftp://example.com' }));
    expect(e.kind).toBe('bad_request');
  });

  it('calls an unreadable answer transient exactly when the client would retry it: a 404 page is unknown', async () => {
    const e = await failure(adapter().listOrderLines(ctx(), 'paid', window));
    expect(e).toMatchObject({ kind: 'unknown', httpStatus: 404 });
    expect(stub.seen).toHaveLength(1);
  });

  it('fails a malformed answer as transient after retrying it', async () => {
    routes = [['/rest/', 'malformed-truncated.xml']];
    const e = await failure(adapter().listOrderLines(ctx(), 'paid', window));
    expect(e.kind).toBe('transient');
    expect(stub.seen).toHaveLength(3);
  });
});

describe('11st adapter: confirm and ship', () => {
  it('confirms an ordinary line with /N/null/', async () => {
    routes = [['/rest/ordservices/reqpackaging/', 'reqpackaging-ok.xml']];
    const ack = await adapter().confirm(ctx(), { mallOrderNo: '20260501123456789', mallLineNo: '3', deliveryNo: '2600000001' });
    expect(stub.seen[0]?.url).toBe('/rest/ordservices/reqpackaging/20260501123456789/3/N/null/2600000001');
    expect(ack).toEqual({ mallCode: '0', mallMessage: '전체 1건이 정상적으로 발주처리가 되었습니다.' });
  });

  it('confirms an add-on line with Y and its main product number', async () => {
    routes = [['/rest/ordservices/reqpackaging/', 'reqpackaging-ok.xml']];
    await adapter().confirm(ctx(), { mallOrderNo: '20260501123456789', mallLineNo: '8', deliveryNo: '2600000001', addOnOfProductNo: '9000000002' });
    expect(stub.seen[0]?.url).toBe('/rest/ordservices/reqpackaging/20260501123456789/8/Y/9000000002/2600000001');
  });

  it.each([
    ['reqpackaging-error-3206.xml', 'already_done'],
    ['reqpackaging-error-3211.xml', 'order_changed'],
    ['reqpackaging-error-3214.xml', 'cancel_pending'],
    ['reqpackaging-error-1000.xml', 'maintenance'],
  ])('confirm answered by %s → %s', async (file, kind) => {
    routes = [['/rest/ordservices/reqpackaging/', file]];
    const e = await failure(adapter().confirm(ctx(), { mallOrderNo: '1', mallLineNo: '1', deliveryNo: '1' }));
    expect(e.kind).toBe(kind);
    expect(e.mallCode).toMatch(/^-\d+$/);
    expect(e.mallMessage).toBeTruthy();
  });

  it('retries -3207 and gives up as transient when it persists', async () => {
    routes = [['/rest/ordservices/reqpackaging/', 'reqpackaging-error-3207.xml']];
    const e = await failure(adapter().confirm(ctx(), { mallOrderNo: '1', mallLineNo: '1', deliveryNo: '1' }));
    expect(e).toMatchObject({ kind: 'transient', mallCode: '-3207' });
    expect(stub.seen).toHaveLength(3);
  });

  it('ships a whole delivery number: KST send time, parcel, carrier code, cleaned tracking number', async () => {
    routes = [['/rest/ordservices/reqdelivery/', 'reqdelivery-ok.xml']];
    await adapter().ship(ctx(), { deliveryNo: '2600000001', carrier: 'qxpress', trackingNo: '5500-1234 5678', shippedAt: '2026-05-02T01:30:00Z' });
    expect(stub.seen[0]?.url).toBe('/rest/ordservices/reqdelivery/202605021030/01/00108/550012345678/2600000001');
  });

  it('ships part of a bundle with the 8-segment form and a comma list of lines', async () => {
    routes = [['/rest/ordservices/reqdelivery/', 'reqdelivery-ok.xml']];
    await adapter().ship(ctx(), {
      deliveryNo: '2600000001',
      carrier: 'cj_logistics',
      trackingNo: '123456789012',
      partial: { mallOrderNo: '20260501123456789', mallLineNos: ['3', '8'] },
    });
    expect(stub.seen[0]?.url).toBe('/rest/ordservices/reqdelivery/202605021200/01/00034/123456789012/2600000001/Y/20260501123456789/3,8');
  });

  it('ships without a shipment (method none) with literal nulls', async () => {
    routes = [['/rest/ordservices/reqdelivery/', 'reqdelivery-ok.xml']];
    await adapter().ship(ctx(), { deliveryNo: '2600000001', method: 'none' });
    expect(stub.seen[0]?.url).toBe('/rest/ordservices/reqdelivery/202605021200/05/null/null/2600000001');
  });

  it('rejects a shipment without carrier or with a bad tracking number locally', async () => {
    expect((await failure(adapter().ship(ctx(), { deliveryNo: '1', trackingNo: '123' }))).kind).toBe('bad_request');
    expect((await failure(adapter().ship(ctx(), { deliveryNo: '1', carrier: 'qxpress', trackingNo: '12/34' }))).kind).toBe('bad_request');
    expect(stub.seen).toHaveLength(0);
  });

  it.each([
    ['reqdelivery-error-3308.xml', 'already_done'],
    ['reqdelivery-error-3309.xml', 'already_done'],
    ['reqdelivery-error-3310.xml', 'order_changed'],
    ['reqdelivery-error-3313.xml', 'order_changed'],
    ['reqdelivery-error-3306.xml', 'tracking_rejected'],
    ['reqdelivery-error-3320.xml', 'tracking_rejected'],
    ['reqdelivery-error-3307.xml', 'bad_request'],
  ])('ship answered by %s → %s', async (file, kind) => {
    routes = [['/rest/ordservices/reqdelivery/', file]];
    const e = await failure(adapter().ship(ctx(), { deliveryNo: '1', carrier: 'hanjin', trackingNo: '123456789012' }));
    expect(e.kind).toBe(kind);
  });
});

describe('11st adapter: claims', () => {
  it('lists cancel requests (one row still a list) and completed cancels; empty is empty', async () => {
    routes = [
      ['/rest/claimservice/cancelorders/', 'cancelorders-single.xml'],
      ['/rest/claimservice/canceledorders/', 'canceledorders-rows.xml'],
    ];
    const requests = await adapter().listCancelRequests(ctx(), window);
    expect(requests.map((c) => [c.claimNo, c.mallOrderNo, c.mallLineNo, c.status])).toEqual([['1', '20260501123456789', '3', 'requested']]);
    expect((await adapter().listCompletedCancels(ctx(), window)).map((c) => c.status)).toEqual(['completed', 'completed']);
    routes = [['/rest/claimservice/cancelorders/', 'cancelorders-empty.xml']];
    expect(await adapter().listCancelRequests(ctx(), window)).toEqual([]);
  });

  it('allows claim windows up to 30 days but not more', async () => {
    routes = [['/rest/claimservice/cancelorders/', 'cancelorders-empty.xml']];
    await adapter().listCancelRequests(ctx(), { from: '2026-04-01T00:00:00Z', to: '2026-05-01T00:00:00Z' });
    const e = await failure(adapter().listCancelRequests(ctx(), { from: '2026-04-01T00:00:00Z', to: '2026-05-02T00:00:00Z' }));
    expect(e.kind).toBe('window_too_long');
  });

  it('approves a cancel with claim, order and line numbers; a repeat is already_done', async () => {
    routes = [['/rest/claimservice/cancelreqconf/', 'cancelreqconf-ok.xml']];
    await adapter().approveCancel(ctx(), { claimNo: '1', mallOrderNo: '20260501123456789', mallLineNo: '3' });
    expect(stub.seen[0]?.url).toBe('/rest/claimservice/cancelreqconf/1/20260501123456789/3');
    routes = [['/rest/claimservice/cancelreqconf/', 'cancelreqconf-already.xml']];
    expect((await failure(adapter().approveCancel(ctx(), { claimNo: '1', mallOrderNo: '1', mallLineNo: '3' }))).kind).toBe('already_done');
  });

  it('rejects a cancel (ships anyway) with a YYYYMMDD send date', async () => {
    routes = [['/rest/claimservice/cancelreqreject/', 'cancelreqreject-ok.xml']];
    await adapter().rejectCancel(ctx(), { claimNo: '1', mallOrderNo: '20260501123456789', mallLineNo: '3', carrier: 'lotte', trackingNo: '123456789012' });
    expect(stub.seen[0]?.url).toBe('/rest/claimservice/cancelreqreject/20260501123456789/3/1/01/20260502/00012/123456789012');
    routes = [['/rest/claimservice/cancelreqreject/', 'cancelreqreject-error-23005.xml']];
    expect((await failure(adapter().rejectCancel(ctx(), { claimNo: '1', mallOrderNo: '1', mallLineNo: '3', carrier: 'lotte', trackingNo: '1234' }))).kind).toBe('tracking_rejected');
  });

  it('refuses a sale with the measured reason code and the UTF-8 percent-encoded text', async () => {
    routes = [['/rest/claimservice/reqrejectorder/', 'reqrejectorder-ok.xml']];
    await adapter().refuseSale(ctx(), { mallOrderNo: '20260501123456789', mallLineNo: '3', reason: 'option_sold_out', detail: '아이보리 품절' });
    expect(stub.seen[0]?.url).toBe(`/rest/claimservice/reqrejectorder/20260501123456789/3/09/${encodeURIComponent('아이보리 품절')}`);
    routes = [['/rest/claimservice/reqrejectorder/', 'reqrejectorder-error-21004.xml']];
    expect((await failure(adapter().refuseSale(ctx(), { mallOrderNo: '1', mallLineNo: '3', reason: 'sold_out', detail: 'x' }))).kind).toBe('order_changed');
  });
});

describe('11st adapter: settling a repeated refusal', () => {
  it('re-reads the order on -21004: shipped there → order_changed; the re-read failing for now → transient, to try again', async () => {
    const refusal = { mallOrderNo: '20260425000000777', mallLineNo: '1', reason: 'sold_out', detail: 'x' } as const;
    routes = [
      ['/rest/claimservice/reqrejectorder/', 'reqrejectorder-error-21004.xml'],
      ['/rest/ordservices/complete/20260425000000777', 'order-by-no-shipped.xml'],
    ];
    expect(await failure(adapter().refuseSale(ctx(), refusal))).toMatchObject({ kind: 'order_changed', mallCode: '-21004' });
    routes = [
      ['/rest/claimservice/reqrejectorder/', 'reqrejectorder-error-21004.xml'],
      ['/rest/ordservices/complete/', 'malformed-truncated.xml', 502],
    ];
    expect((await failure(adapter().refuseSale(ctx(), refusal))).kind).toBe('transient');
  });
});

describe('11st adapter: products and stock', () => {
  it('finds a product by seller code (percent-encoded); empty answer or 404 → null', async () => {
    routes = [['/rest/prodmarketservice/sellerprodcode/', 'sellerprodcode-single.xml']];
    expect(await adapter().findProductBySellerCode(ctx(), 'TOWEL-SET')).toMatchObject({ productNo: '9000000001', status: 'on_sale' });
    routes = [['/rest/prodmarketservice/sellerprodcode/', 'sellerprodcode-empty.xml']];
    expect(await adapter().findProductBySellerCode(ctx(), 'A/B 1')).toBeNull();
    expect(stub.seen[1]?.url).toBe('/rest/prodmarketservice/sellerprodcode/A%2FB%201');
    routes = [];
    expect(await adapter().findProductBySellerCode(ctx(), 'NOPE')).toBeNull();
  });

  it('finds nothing rather than another product when no row carries the code asked for', async () => {
    routes = [['/rest/prodmarketservice/sellerprodcode/', 'sellerprodcode-single.xml']]; // one row, sellerPrdCd TOWEL-SET
    expect(await adapter().findProductBySellerCode(ctx(), 'TOWEL-SET-2')).toBeNull();
    expect(await adapter().findProductBySellerCode(ctx(), ' TOWEL-SET ')).toMatchObject({ productNo: '9000000001', sellerProductCode: 'TOWEL-SET' });
  });

  it('lists option stocks', async () => {
    routes = [['/rest/prodmarketservice/prodmarket/stck/9000000001', 'stck-options.xml']];
    const options = await adapter().listOptionStocks(ctx(), '9000000001');
    expect(options.map((o) => [o.optionStockNo, o.sellerStockCode, o.quantity, o.status])).toEqual([
      ['40000000001', 'TOWEL-SET-IVORY-100', 30, 'in_stock'],
      ['40000000002', 'TOWEL-SET-GRAY-150', 27, 'in_stock'],
      ['40000000003', undefined, 0, 'sold_out'],
    ]);
  });

  it('sets an absolute quantity, resending the current weight read from the mall', async () => {
    routes = [
      ['/rest/prodmarketservice/prodmarket/stck/', 'stck-options.xml'],
      ['/rest/prodservices/stockqty/', 'stockqty-ok.xml'],
    ];
    const ack = await adapter().setOptionStock(ctx(), { productNo: '9000000001', optionStockNo: '40000000002', quantity: 25 });
    expect(ack.mallCode).toBe('200');
    const put = stub.seen[1];
    expect(put).toMatchObject({ method: 'PUT', url: '/rest/prodservices/stockqty/40000000002' });
    expect(put?.body.toString('utf8')).toContain('<prdNo>9000000001</prdNo><prdStckNo>40000000002</prdStckNo><stckQty>25</stckQty><optWght>2</optWght>');
  });

  it('reports stock-update refusals with the mall code', async () => {
    routes = [['/rest/prodservices/stockqty/', 'stockqty-error404.xml']];
    const e = await failure(adapter().setOptionStock(ctx(), { productNo: '9000000001', optionStockNo: '40000000099', quantity: 1, weight: '0' }));
    expect(e).toMatchObject({ kind: 'bad_request', mallCode: '404' });
    expect((await failure(adapter().setOptionStock(ctx(), { productNo: '1', optionStockNo: '2', quantity: -1, weight: '0' }))).kind).toBe('bad_request');
  });
});

describe('marketplace registry', () => {
  it('builds the 11st adapter once and refuses unknown malls', () => {
    const registry = createMarketplaceRegistry();
    expect(registry.mallIds()).toEqual(['11st']);
    expect(registry.get('11st').mall).toBe('11st');
    expect(registry.get('11st')).toBe(registry.get('11st'));
    expect(() => registry.get('coupang' as '11st')).toThrow(/unknown mall/);
  });
});
