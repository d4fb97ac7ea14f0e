import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox } from '../../../src/sandbox/elevenst/server.ts';
import { testDialects, type ScratchDatabase } from '../../helpers/databases.ts';
import { Client, createSeller } from '../accounts/helpers.ts';
import { confirmKey } from '../../../src/modules/orders/import-run.ts';
import { connectSandbox, control, importNow, startOrdersHub, until, type OrdersHub, type Sandbox } from './helpers.ts';

interface SandboxLine {
  ordNo: string;
  ordPrdSeq: string;
  dlvNo: string;
  prdNo: string;
  addPrdYn: string;
  addPrdNo: string | null;
  status: string;
  rcvrNm: string;
}

const sandboxLines = async (sandbox: Sandbox) => (await control(sandbox, 'GET', 'state')).lines as SandboxLine[];
const reqpackagingCalls = async (sandbox: Sandbox) =>
  ((await control(sandbox, 'GET', 'requests')).requests as Array<{ path: string; resultCode: string | null }>).filter((r) => r.path.includes('/reqpackaging/'));
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON answers
const allLines = async (owner: Client, query = ''): Promise<any[]> => {
  const out = [];
  let cursor: string | null = null;
  do {
    const page = await owner.get(`/api/order-lines?limit=7${query}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    expect(page.status).toBe(200);
    out.push(...page.body.items);
    cursor = page.body.nextCursor;
  } while (cursor);
  return out;
};

describe.each(testDialects)('confirmation and cancel requests on $name', ({ create }) => {
  let scratch: ScratchDatabase;
  let hub: OrdersHub;

  beforeAll(async () => {
    scratch = await create();
    hub = await startOrdersHub(scratch);
  });
  afterAll(async () => {
    await hub?.close();
    await scratch?.drop();
  });

  describe('automatic confirmation', () => {
    let sandbox: Sandbox;
    let connectionId: string;
    let cancelledBefore: SandboxLine;

    beforeAll(async () => {
      sandbox = await startSandbox({ port: 0 });
      await control(sandbox, 'POST', 'orders', { apiKey: sandbox.apiKey, count: 40 });
      // Bundles with an add-on and with two lines of one product: one confirmation each.
      await control(sandbox, 'POST', 'orders', { apiKey: sandbox.apiKey, orders: [{ bundle: true, lines: [{}, { addPrd: true }] }] });
      const [first] = await sandboxLines(sandbox);
      await control(sandbox, 'POST', 'orders', { apiKey: sandbox.apiKey, orders: [{ bundle: true, lines: [{ prdNo: first!.prdNo }, { prdNo: first!.prdNo }] }] });
      // A line alone in its confirmation group (no add-on, no second line of the product in its bundle).
      const all = await sandboxLines(sandbox);
      cancelledBefore = all.find((l) => l.addPrdYn !== 'Y' && !all.some((o) => o !== l && o.dlvNo === l.dlvNo && (o.prdNo === l.prdNo || o.addPrdNo === l.prdNo)))!;
      await control(sandbox, 'POST', 'cancel-requests', { ordNo: cancelledBefore.ordNo, ordPrdSeq: cancelledBefore.ordPrdSeq });
      connectionId = await connectSandbox(hub.owner, sandbox, { autoConfirm: true });
    });
    afterAll(async () => {
      await sandbox?.close();
    });

    it('confirms every paid line on the mall exactly once (one 발주확인 per delivery number and product), never the one with a cancel request', async () => {
      const run = await importNow(hub.owner, connectionId);
      expect(run.status).toBe('succeeded');
      expect(run.claims).toMatchObject({ requested: 1 });
      const expected = (await sandboxLines(sandbox)).filter((l) => !(l.ordNo === cancelledBefore.ordNo && l.ordPrdSeq === cancelledBefore.ordPrdSeq));
      await until('every line confirmed on the mall', async () => (await sandboxLines(sandbox)).filter((l) => l.status === '301').length === expected.length, 60_000, 250);

      const lines = await sandboxLines(sandbox);
      expect(lines.find((l) => l.ordNo === cancelledBefore.ordNo && l.ordPrdSeq === cancelledBefore.ordPrdSeq)!.status).toBe('202');
      const calls = await reqpackagingCalls(sandbox);
      const groups = new Set(expected.map((l) => `${l.dlvNo}:${l.addPrdYn === 'Y' ? l.addPrdNo : l.prdNo}`));
      expect(calls).toHaveLength(groups.size);
      expect(calls.every((c) => c.resultCode === '0')).toBe(true);
      const calledGroups = calls.map((c) => {
        const parts = c.path.split('/');
        const at = parts.indexOf('reqpackaging');
        const [ordNo, seq] = [parts[at + 1], parts[at + 2]];
        const line = lines.find((l) => l.ordNo === ordNo && l.ordPrdSeq === seq)!;
        return `${line.dlvNo}:${line.prdNo}`;
      });
      expect(new Set(calledGroups).size).toBe(calledGroups.length);

      await until('the hub shows them confirmed', async () => (await hub.owner.get('/api/order-lines/counts')).body.byStatus.confirmed === expected.length);
      const flagged = await hub.owner.get(`/api/order-lines?q=${cancelledBefore.ordNo}`);
      const line = flagged.body.items.find((l: { mallLineNo: string }) => l.mallLineNo === cancelledBefore.ordPrdSeq);
      expect(line).toMatchObject({ status: 'cancel_requested', mallStatus: 'paid', claim: { status: 'cancel_requested' } });
      expect(line.claim.claimNo).toBeTruthy();
      expect((await hub.owner.get('/api/dashboard')).body.counts).toMatchObject({ 'orders.toConfirm': 0, 'orders.cancelRequested': 1 });

      // A second run sends nothing again.
      const again = await importNow(hub.owner, connectionId);
      expect(again.status).toBe('succeeded');
      await new Promise((r) => setTimeout(r, 1500));
      expect(await reqpackagingCalls(sandbox)).toHaveLength(groups.size);
    }, 120_000);

    it('refuses to confirm a line with a pending cancel request, and approves the cancel on the mall', async () => {
      const line = (await hub.owner.get('/api/order-lines?status=cancel_requested')).body.items[0];
      const confirm = await hub.owner.post('/api/order-lines/confirm', { ids: [line.id] });
      expect(confirm.status).toBe(200);
      expect(confirm.body.results).toEqual([{ id: line.id, result: 'refused', reason: 'CANCEL_REQUESTED', message: expect.stringContaining('cancel') }]);

      const approved = await hub.owner.post(`/api/order-lines/${line.id}/cancel/approve`);
      expect(approved.status).toBe(202);
      await until('the line is cancelled', async () => (await hub.owner.get(`/api/orders/${line.orderId}`)).body.lines.find((l: { id: string }) => l.id === line.id).status === 'cancelled');
      expect((await sandboxLines(sandbox)).find((l) => l.ordNo === line.mallOrderNo && l.ordPrdSeq === line.mallLineNo)!.status).toBe('B01');
      const order = await hub.owner.get(`/api/orders/${line.orderId}`);
      const timeline = order.body.events.filter((e: { lineId: string }) => e.lineId === line.id).map((e: { kind: string; to: string }) => `${e.kind}:${e.to}`);
      expect(timeline).toEqual(['imported:cancel_requested', 'cancel_approval_requested:cancel_requested', 'status:cancelled']);
      // Approving again is refused clearly: there is no pending request any more.
      const twice = await hub.owner.post(`/api/order-lines/${line.id}/cancel/approve`);
      expect(twice.status).toBe(409);
      expect(twice.body.error.code).toBe('NO_CANCEL_REQUEST');
    }, 60_000);

    it('refuses the sale (판매불가) of a confirmed line with a reason', async () => {
      const line = (await hub.owner.get('/api/order-lines?status=confirmed&limit=1')).body.items[0];
      const bad = await hub.owner.post(`/api/order-lines/${line.id}/refuse`, { reasonCode: 'no_reason', reason: '' });
      expect(bad.status).toBe(400);
      const refused = await hub.owner.post(`/api/order-lines/${line.id}/refuse`, { reasonCode: 'sold_out', reason: '품절되었습니다' });
      expect(refused.status).toBe(202);
      await until('the line is cancelled', async () => (await hub.owner.get(`/api/orders/${line.orderId}`)).body.lines.find((l: { id: string }) => l.id === line.id).status === 'cancelled');
      expect((await sandboxLines(sandbox)).find((l) => l.ordNo === line.mallOrderNo && l.ordPrdSeq === line.mallLineNo)!.status).toBe('B01');
      const after = (await hub.owner.get(`/api/orders/${line.orderId}`)).body.lines.find((l: { id: string }) => l.id === line.id);
      expect(after.claim).toMatchObject({ status: 'cancelled', reason: 'sold_out: 품절되었습니다' });
    }, 60_000);
  });

  describe('manual confirmation, the order list and tenancy', () => {
    let sandbox: Sandbox;
    let connectionId: string;

    beforeAll(async () => {
      sandbox = await startSandbox({ port: 0 });
      await control(sandbox, 'POST', 'orders', { apiKey: sandbox.apiKey, count: 25 });
      connectionId = await connectSandbox(hub.owner, sandbox, { autoConfirm: false });
      const run = await importNow(hub.owner, connectionId);
      expect(run.status).toBe('succeeded');
    });
    afterAll(async () => {
      await sandbox?.close();
    });

    it('pages through every line once, newest payment first, and filters by status, order number and receiver', async () => {
      const total = (await sandboxLines(sandbox)).length;
      const lines = (await allLines(hub.owner, `&connectionId=${connectionId}`));
      expect(lines).toHaveLength(total);
      expect(new Set(lines.map((l) => l.id)).size).toBe(total);
      const keys = lines.map((l) => `${l.paidAt}|${l.id}`);
      expect(keys).toEqual([...keys].sort().reverse());
      expect(lines.every((l) => l.status === 'new' && l.mallStatus === 'paid' && typeof l.mallOrderNo === 'string' && Number.isInteger(l.orderAmount) && l.currency === 'KRW')).toBe(true);

      const one = lines[3];
      const byOrder = await hub.owner.get(`/api/order-lines?q=${one.mallOrderNo}`);
      expect(byOrder.body.items.map((l: { mallOrderNo: string }) => l.mallOrderNo)).toEqual(expect.arrayContaining([one.mallOrderNo]));
      expect(byOrder.body.items.every((l: { mallOrderNo: string }) => l.mallOrderNo === one.mallOrderNo)).toBe(true);
      const byName = await hub.owner.get(`/api/order-lines?q=${encodeURIComponent(one.receiver.name)}&connectionId=${connectionId}`);
      expect(byName.body.items.length).toBeGreaterThan(0);
      expect(byName.body.items.every((l: { receiver: { name: string } }) => l.receiver.name.includes(one.receiver.name))).toBe(true);
      expect((await hub.owner.get(`/api/order-lines?status=confirmed&connectionId=${connectionId}`)).body.items).toEqual([]);
      const counts = await hub.owner.get(`/api/order-lines/counts?connectionId=${connectionId}`);
      expect(counts.body).toEqual({ total, byStatus: { new: total, confirmed: 0, cancel_requested: 0, cancelled: 0 } });
      expect((await hub.owner.get('/api/order-lines?cursor=garbage')).status).toBe(400);
      expect((await hub.owner.get('/api/order-lines?from=yesterday')).status).toBe(400);
    });

    it('confirms selected lines whatever the option says, with a result per line; a cancel the hub has not seen yet ends as cancel requested', async () => {
      const lines = await allLines(hub.owner, `&connectionId=${connectionId}`);
      const [a, b] = lines.filter((l) => !l.addOnOfProductNo);
      const late = lines.find((l) => !l.addOnOfProductNo && l.deliveryNo !== a.deliveryNo && l.deliveryNo !== b.deliveryNo && !lines.some((o) => o.id !== l.id && o.deliveryNo === l.deliveryNo))!;
      await control(sandbox, 'POST', 'cancel-requests', { ordNo: late.mallOrderNo, ordPrdSeq: late.mallLineNo });
      const answer = await hub.owner.post('/api/order-lines/confirm', { ids: [a.id, b.id, late.id, 'no-such-line'] });
      expect(answer.status).toBe(200);
      expect(answer.body.results).toEqual([
        { id: a.id, result: 'queued' },
        { id: b.id, result: 'queued' },
        { id: late.id, result: 'queued' },
        { id: 'no-such-line', result: 'not_found', message: 'Order line not found' },
      ]);
      const lineOf = async (l: { orderId: string; id: string }) => (await hub.owner.get(`/api/orders/${l.orderId}`)).body.lines.find((x: { id: string }) => x.id === l.id);
      await until('a and b confirmed', async () => (await lineOf(a)).status === 'confirmed' && (await lineOf(b)).status === 'confirmed');
      await until('the late cancel shows', async () => (await lineOf(late)).status === 'cancel_requested');
      expect(await lineOf(late)).toMatchObject({ claim: { status: 'cancel_requested' }, confirmError: { code: '-3214' } });
      const state = await sandboxLines(sandbox);
      expect(state.find((l) => l.ordNo === a.mallOrderNo && l.ordPrdSeq === a.mallLineNo)!.status).toBe('301');
      expect(state.find((l) => l.ordNo === late.mallOrderNo && l.ordPrdSeq === late.mallLineNo)!.status).toBe('202');
      expect((await lineOf(a)).mallStatus).toBe('preparing');
      // Already confirmed: said so, nothing sent.
      const again = await hub.owner.post('/api/order-lines/confirm', { ids: [a.id] });
      expect(again.body.results).toEqual([{ id: a.id, result: 'already_confirmed' }]);
    }, 60_000);

    it('re-imports one order by its number', async () => {
      const [line] = await allLines(hub.owner, `&connectionId=${connectionId}`);
      const started = await hub.owner.post(`/api/connections/${connectionId}/reimport`, { mallOrderNo: line.mallOrderNo });
      expect(started.status).toBe(202);
      const run = await until('the re-import', async () => {
        const r = await hub.owner.get(`/api/import-runs/${started.body.runId}`);
        return ['succeeded', 'failed'].includes(r.body.status) ? r.body : undefined;
      });
      expect(run).toMatchObject({ trigger: 'reimport', status: 'succeeded', mallOrderNo: line.mallOrderNo, counts: { new: 0 } });
      expect(run.counts.fetched).toBeGreaterThan(0);
      const runs = await hub.owner.get(`/api/connections/${connectionId}/import-runs`);
      expect(runs.body.items[0].id).toBe(run.id);
      expect((await hub.owner.post(`/api/connections/${connectionId}/reimport`, { mallOrderNo: 'abc' })).status).toBe(400);
    });

    it("shows another seller nothing of this seller's orders, runs or lines", async () => {
      await createSeller(hub.db, 'Seller B', [{ email: 'owner@b-orders.example', role: 'owner' }]);
      const ownerB = new Client(hub.url);
      await ownerB.signIn('owner@b-orders.example');
      const [line] = await allLines(hub.owner, `&connectionId=${connectionId}`);
      const runs = await hub.owner.get(`/api/connections/${connectionId}/import-runs`);
      expect((await ownerB.get(`/api/orders/${line.orderId}`)).status).toBe(404);
      expect((await ownerB.get(`/api/import-runs/${runs.body.items[0].id}`)).status).toBe(404);
      expect((await ownerB.get(`/api/connections/${connectionId}/import-runs`)).status).toBe(404);
      expect((await ownerB.post(`/api/connections/${connectionId}/import`)).status).toBe(404);
      expect((await ownerB.post(`/api/order-lines/${line.id}/refuse`, { reasonCode: 'sold_out', reason: 'x' })).status).toBe(404);
      expect((await ownerB.post('/api/order-lines/confirm', { ids: [line.id] })).body.results).toEqual([{ id: line.id, result: 'not_found', message: 'Order line not found' }]);
      expect((await ownerB.get('/api/order-lines')).body.items).toEqual([]);
      expect((await ownerB.get('/api/order-lines/counts')).body.total).toBe(0);
    });
  });

  describe('confirming one delivery number and product again', () => {
    it('sends one 발주확인 when two lines of the group are confirmed twice in quick succession after an intent that ended without confirming', async () => {
      const sandbox = await startSandbox({ port: 0 });
      try {
        await control(sandbox, 'POST', 'orders', { apiKey: sandbox.apiKey, count: 1 });
        const [first] = await sandboxLines(sandbox);
        await control(sandbox, 'POST', 'orders', { apiKey: sandbox.apiKey, orders: [{ bundle: true, lines: [{ prdNo: first!.prdNo }, { prdNo: first!.prdNo }] }] });
        const connectionId = await connectSandbox(hub.owner, sandbox, { autoConfirm: false });
        expect((await importNow(hub.owner, connectionId)).status).toBe('succeeded');
        const lines = await allLines(hub.owner, `&connectionId=${connectionId}`);
        const [a, b] = lines.filter((l) => l.productNo === first!.prdNo && lines.some((o) => o.id !== l.id && o.deliveryNo === l.deliveryNo && o.productNo === l.productNo));
        expect(a.deliveryNo).toBe(b.deliveryNo);
        // An earlier intent of this group ended without confirming (it was held back by a cancel request since withdrawn).
        const key = confirmKey(connectionId, a.deliveryNo, a.productNo);
        const at = new Date().toISOString();
        const sellerId = (await hub.db.selectFrom('order_lines').select('seller_id').where('id', '=', a.id).executeTakeFirstOrThrow()).seller_id;
        await hub.db
          .insertInto('outbox')
          .values({ id: `held-${connectionId}`, seller_id: sellerId, connection_id: connectionId, kind: 'orders.confirm', key, payload: JSON.stringify({ connectionId, deliveryNo: a.deliveryNo, productNo: a.productNo, requestedBy: null }), status: 'done', attempts: 1, next_attempt_at: at, lease_until: null, claimed_by: null, last_error_code: null, last_error_message: null, created_at: at, updated_at: at, done_at: at })
          .execute();

        const answers = await Promise.all([hub.owner.post('/api/order-lines/confirm', { ids: [a.id, b.id] }), hub.owner.post('/api/order-lines/confirm', { ids: [b.id, a.id] })]);
        expect(answers.map((r) => r.status)).toEqual([200, 200]);
        for (const answer of answers) expect(answer.body.results.every((r: { result: string }) => r.result === 'queued' || r.result === 'already_confirmed')).toBe(true);
        const statusOf = async (id: string) => (await hub.owner.get(`/api/orders/${a.orderId}`)).body.lines.find((l: { id: string }) => l.id === id).status;
        await until('both lines confirmed', async () => (await statusOf(a.id)) === 'confirmed' && (await statusOf(b.id)) === 'confirmed');
        // Let any second confirmation show up before counting.
        await new Promise((r) => setTimeout(r, 1500));
        const calls = (await reqpackagingCalls(sandbox)).filter((c) => c.path.includes(`/${a.mallOrderNo}/`));
        expect(calls).toHaveLength(1);
        const intents = await hub.db.selectFrom('outbox').select(['key', 'status']).where('connection_id', '=', connectionId).where('kind', '=', 'orders.confirm').execute();
        expect(intents).toEqual([{ key, status: 'done' }]);
      } finally {
        await sandbox.close();
      }
    }, 60_000);
  });

  describe('scheduled imports', () => {
    it('writes no run for a scheduled tick while another run holds the lease, and runs once the lease is free', async () => {
      const sandbox = await startSandbox({ port: 0 });
      try {
        const connectionId = await connectSandbox(hub.owner, sandbox, { autoImport: true, importIntervalMinutes: 1440 });
        const runs = async () => (await hub.db.selectFrom('import_runs').select('id').where('connection_id', '=', connectionId).execute()).length;
        // The schedule's first tick runs at once; let it finish before taking the lease.
        await until('the first scheduled run', async () => (await hub.db.selectFrom('import_runs').select('status').where('connection_id', '=', connectionId).execute()).some((r) => r.status === 'succeeded'));
        const before = await runs();
        const at = new Date().toISOString();
        const lease = { lease_owner: 'another-process', lease_until: new Date(Date.now() + 60_000).toISOString(), updated_at: at };
        await hub.db
          .insertInto('import_state')
          .values({ connection_id: connectionId, seller_id: (await hub.db.selectFrom('connections').select('seller_id').where('id', '=', connectionId).executeTakeFirstOrThrow()).seller_id, cursor: null, ...lease })
          .onConflict((oc) => oc.column('connection_id').doUpdateSet(lease))
          .execute();
        await hub.modules.orders.runImportJob({ connectionId });
        expect(await runs()).toBe(before);
        await hub.db.updateTable('import_state').set({ lease_owner: null, lease_until: null }).where('connection_id', '=', connectionId).execute();
        await hub.modules.orders.runImportJob({ connectionId });
        expect(await runs()).toBe(before + 1);
      } finally {
        await sandbox.close();
      }
    });
  });
});
