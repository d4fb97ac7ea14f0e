import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { routeTable, type RouteEntry } from '../../../src/platform/http/route-table.ts';
import { newId } from '../../../src/platform/db/dialect.ts';
import '../../../src/modules/orders/repo.ts';
import { testDialects, type ScratchDatabase } from '../../helpers/databases.ts';
import { Client, createSeller, setUpHub, startApp, type Hub } from './helpers.ts';

/** What the walk knows about seller B when it asks for one of B's resources. */
interface WalkContext {
  hub: Hub;
  /** Seller B's owner, signed in: factories create B's resources through the API as B would. */
  ownerB: Client;
  sellerB: { sellerId: string; userIds: Record<string, string> };
}

/**
 * Every /api route with an id parameter, mapped to a factory that creates seller B's resource and
 * returns the request that addresses it. The walk sends that request as seller A's owner and expects
 * 404, then as seller B's owner and expects success (so the factory really made the resource).
 * A new parameterised route without an entry here fails the walk: add one.
 */
const ownedBySellerB: Record<string, (ctx: WalkContext) => Promise<{ params: Record<string, string>; body?: unknown }>> = {
  'DELETE /api/tokens/:id': async ({ ownerB }) => {
    const created = await ownerB.post('/api/tokens', { name: 'B script' });
    return { params: { id: created.body.id } };
  },
  'PATCH /api/users/:id': async ({ ownerB }) => {
    const created = await ownerB.post('/api/users', { email: `op${Date.now()}${Math.random().toString(36).slice(2, 6)}@b.example`, name: 'B operator', role: 'operator', password: 'operator password' });
    return { params: { id: created.body.user.id }, body: { name: 'Renamed by someone' } };
  },
  'GET /api/connections/:id': async ({ ownerB }) => ({ params: { id: await connectionOfB(ownerB) } }),
  'PATCH /api/connections/:id': async ({ ownerB }) => ({ params: { id: await connectionOfB(ownerB) }, body: { name: 'Renamed by someone' } }),
  'DELETE /api/connections/:id': async ({ ownerB }) => ({ params: { id: await connectionOfB(ownerB) } }),
  'PUT /api/connections/:id/api-key': async ({ ownerB }) => ({ params: { id: await connectionOfB(ownerB) }, body: { apiKey: 'replacement-key-0001' } }),
  'POST /api/connections/:id/test': async ({ ownerB }) => ({ params: { id: await connectionOfB(ownerB) } }),
  'POST /api/connections/:id/import': async ({ ownerB }) => ({ params: { id: await connectionOfB(ownerB) } }),
  'POST /api/connections/:id/reimport': async ({ ownerB }) => ({ params: { id: await connectionOfB(ownerB) }, body: { mallOrderNo: '20260101123456789' } }),
  'GET /api/connections/:id/import-runs': async ({ ownerB }) => ({ params: { id: await connectionOfB(ownerB) } }),
  'GET /api/import-runs/:id': async ({ ownerB }) => {
    const started = await ownerB.post(`/api/connections/${await connectionOfB(ownerB)}/import`);
    return { params: { id: started.body.runId } };
  },
  'GET /api/orders/:id': async (ctx) => ({ params: { id: (await orderLineOfB(ctx, 'new')).orderId } }),
  'POST /api/order-lines/:id/cancel/approve': async (ctx) => ({ params: { id: (await orderLineOfB(ctx, 'cancel_requested')).lineId } }),
  'POST /api/order-lines/:id/refuse': async (ctx) => ({ params: { id: (await orderLineOfB(ctx, 'new')).lineId }, body: { reasonCode: 'sold_out', reason: 'Out of stock' } }),
};

/** An order with one line of seller B, written straight to the database as an import would store it. */
async function orderLineOfB({ hub, ownerB, sellerB }: WalkContext, status: 'new' | 'cancel_requested'): Promise<{ orderId: string; lineId: string }> {
  const connectionId = await connectionOfB(ownerB);
  const at = new Date().toISOString();
  const orderId = newId();
  const lineId = newId();
  const mallOrderNo = `2026010${Math.floor(Math.random() * 1e10).toString().padStart(10, '0')}`;
  await hub.db
    .insertInto('orders')
    .values({ id: orderId, seller_id: sellerB.sellerId, connection_id: connectionId, mall: '11st', mall_order_no: mallOrderNo, buyer_name: 'B buyer', buyer_member_id: null, buyer_mobile: null, buyer_phone: null, ordered_at: at, paid_at: at, created_at: at, updated_at: at })
    .execute();
  await hub.db
    .insertInto('order_lines')
    .values({
      id: lineId, seller_id: sellerB.sellerId, connection_id: connectionId, order_id: orderId, mall: '11st', mall_order_no: mallOrderNo, mall_line_no: '1', delivery_no: '900000001', product_no: '1000001',
      product_name: 'B product', option_text: null, option_stock_no: null, seller_product_code: null, seller_stock_code: null, add_on_of_product_no: null, quantity: 1, currency: 'KRW', unit_price: 1000, order_amount: 1000,
      option_amount: null, seller_discount: null, mall_discount: null, shipping_fee: null, paid_amount: 1000, expected_settlement: null, buyer_name: 'B buyer', receiver_name: 'B receiver', receiver_mobile: null, receiver_phone: null,
      receiver_postal_code: null, receiver_address: null, receiver_address_detail: null, memo: null, mall_status: 'paid', mall_status_code: '202', ordered_at: at, paid_at: at, mall_confirmed_at: null, ship_by: null, raw: '{}', content_hash: 'x',
      status, claim: status === 'cancel_requested' ? 'cancel_requested' : null, claim_no: status === 'cancel_requested' ? '1' : null, claim_reason: null, claim_requested_at: status === 'cancel_requested' ? at : null,
      status_before_claim: status === 'cancel_requested' ? 'new' : null, confirm_error_code: null, confirm_error_message: null, action_error_code: null, action_error_message: null, created_at: at, updated_at: at,
    })
    .execute();
  return { orderId, lineId };
}

/** A connection of seller B; its address refuses connections, so a test call answers quickly with NETWORK_ERROR. */
async function connectionOfB(ownerB: Client): Promise<string> {
  const shopId = `b-shop-${Date.now()}-${Math.random().toString(36).slice(2, 6)}`;
  const created = await ownerB.post('/api/connections', { mall: '11st', name: 'B shop', shopId, apiKey: 'seller-b-secret-key', baseUrl: 'http://127.0.0.1:9' });
  if (created.status !== 201) throw new Error(`could not create B's connection: ${created.status} ${JSON.stringify(created.body)}`);
  return created.body.id;
}

/** The routes that answer without a session or token. Adding one is a security decision: update this list with care. */
const expectedPublic = ['GET /api/setup', 'POST /api/setup', 'POST /api/session', 'GET /api/openapi.json'];
/** The API docs page and its assets (swagger-ui registers several routes under it). */
const isDocsPage = (url: string) => url === '/api/docs' || url.startsWith('/api/docs/');

const key = (r: { method: string; url: string }) => `${r.method} ${r.url}`;
const fill = (url: string, params: Record<string, string>) => url.replace(/:(\w+)/g, (_m, name: string) => encodeURIComponent(params[name] ?? `missing-${name}`));

describe.each(testDialects)('the route table on $name', ({ create }) => {
  let scratch: ScratchDatabase;
  let hub: Hub;
  let api: RouteEntry[];
  let ctx: WalkContext;
  let scriptA: Client;
  beforeAll(async () => {
    scratch = await create();
    hub = await startApp(scratch);
    const ownerA = await setUpHub(hub);
    const token = await ownerA.post('/api/tokens', { name: 'walk' });
    scriptA = new Client(hub.url);
    scriptA.bearer = token.body.token;
    const sellerB = await createSeller(hub.db, 'Seller B', [{ email: 'owner@b.example', role: 'owner' }]);
    const ownerB = new Client(hub.url);
    await ownerB.signIn('owner@b.example');
    ctx = { hub, ownerB, sellerB };
    api = routeTable(hub.http).filter((r) => r.url.startsWith('/api/') && r.method !== 'HEAD');
  });
  afterAll(async () => {
    await hub.close();
    await scratch.drop();
  });

  it('finds the routes it walks (the walk itself works)', () => {
    const keys = api.map(key);
    for (const expected of ['POST /api/session', 'GET /api/me', 'DELETE /api/tokens/:id', 'PATCH /api/users/:id', 'GET /api/audit-log']) expect(keys).toContain(expected);
  });

  it('marks only the expected routes public', () => {
    const publicRoutes = api.filter((r) => r.public && !isDocsPage(r.url)).map(key).sort();
    expect(api.filter((r) => isDocsPage(r.url) && !r.public).map(key)).toEqual([]);
    expect(publicRoutes, 'a route became public (config: { public: true }); if that is intended, add it to expectedPublic').toEqual([...expectedPublic].sort());
  });

  it('answers 401 UNAUTHENTICATED on every other /api route without a session or token, also with a forged cookie or token', async () => {
    const wrong: string[] = [];
    for (const route of api.filter((r) => !r.public)) {
      const url = fill(route.url, {});
      for (const headers of [{}, { cookie: 'smartship_session=forged; smartship_csrf=forged', 'x-csrf-token': 'forged' }, { authorization: 'Bearer sst_forged' }] as Array<Record<string, string>>) {
        const hasBody = !['GET', 'DELETE', 'HEAD'].includes(route.method);
        const res = await fetch(hub.url + url, { method: route.method, headers: { ...headers, ...(hasBody ? { 'content-type': 'application/json' } : {}) }, body: hasBody ? '{}' : undefined });
        const body = (await res.json().catch(() => null)) as { error?: { code?: string } } | null;
        if (res.status !== 401 || body?.error?.code !== 'UNAUTHENTICATED') wrong.push(`${key(route)} with ${Object.keys(headers).join('+') || 'nothing'} → ${res.status} ${JSON.stringify(body).slice(0, 200)}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it("gives seller A's owner 404 for seller B's resource on every route with an id parameter, and seller B gets it", async () => {
    const parameterised = api.filter((r) => r.url.includes(':'));
    expect(parameterised.length).toBeGreaterThan(0);
    const missing = parameterised.filter((r) => !(key(r) in ownedBySellerB)).map(key);
    expect(missing, `add an entry to ownedBySellerB in test/modules/accounts/route-walk.test.ts for each of these routes (a factory that creates seller B's resource)`).toEqual([]);
    const problems: string[] = [];
    for (const route of parameterised) {
      const request = await ownedBySellerB[key(route)]!(ctx);
      const url = fill(route.url, request.params);
      const asA = await scriptA.call(route.method, url, request.body ?? (route.method === 'GET' || route.method === 'DELETE' ? undefined : {}));
      if (asA.status !== 404) problems.push(`${key(route)} as seller A → ${asA.status} ${JSON.stringify(asA.body)} (expected 404)`);
      const asB = await ctx.ownerB.call(route.method, url, request.body ?? (route.method === 'GET' || route.method === 'DELETE' ? undefined : {}));
      if (asB.status >= 300) problems.push(`${key(route)} as seller B → ${asB.status} ${JSON.stringify(asB.body)} (the factory's resource should work for its own seller)`);
    }
    expect(problems).toEqual([]);
  });
});
