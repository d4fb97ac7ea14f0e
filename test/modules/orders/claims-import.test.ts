import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeBody, decodeOrderList } from '../../../src/marketplaces/elevenst/codec.ts';
import { toChannelOrderLine } from '../../../src/marketplaces/elevenst/mapper.ts';
import { confirmKey, lineRow } from '../../../src/modules/orders/import-run.ts';
import { startSandbox } from '../../../src/sandbox/elevenst/server.ts';
import { testDialects, type ScratchDatabase } from '../../helpers/databases.ts';
import { connectSandbox, control, importNow, startOrdersHub, type OrdersHub, type Sandbox } from './helpers.ts';

describe.each(testDialects)('claims read by an import on $name', ({ create }) => {
  let scratch: ScratchDatabase;
  let hub: OrdersHub;
  let sandbox: Sandbox;
  beforeAll(async () => {
    scratch = await create();
    hub = await startOrdersHub(scratch);
    sandbox = await startSandbox({ port: 0 });
  });
  afterAll(async () => {
    await sandbox?.close();
    await hub?.close();
    await scratch?.drop();
  });

  it('turning automatic confirmation on never queues a confirmation for a stored line whose cancel request the run has just read', async () => {
    // Orders paid just now, so the second run's overlap reads them again.
    const now = new Date().toISOString();
    await control(sandbox, 'POST', 'orders', { apiKey: sandbox.apiKey, orders: [1, 2, 3].map(() => ({ ordDt: now, lines: [{}] })) });
    const connectionId = await connectSandbox(hub.owner, sandbox, { autoConfirm: false });
    expect((await importNow(hub.owner, connectionId)).counts.new).toBe(3);

    const lines = (await control(sandbox, 'GET', 'state')).lines as Array<{ ordNo: string; ordPrdSeq: string; dlvNo: string; prdNo: string }>;
    const cancelled = lines[0]!;
    await control(sandbox, 'POST', 'cancel-requests', { ordNo: cancelled.ordNo, ordPrdSeq: cancelled.ordPrdSeq });
    expect((await hub.owner.patch(`/api/connections/${connectionId}`, { options: { autoConfirm: true } })).status).toBe(200);
    const run = await importNow(hub.owner, connectionId);
    expect(run.status).toBe('succeeded');
    expect(run.counts.unchanged).toBe(3);

    const keys = (await hub.db.selectFrom('outbox').select('key').execute()).map((r) => r.key);
    expect(keys).not.toContain(confirmKey(connectionId, cancelled.dlvNo, cancelled.prdNo));
    for (const l of lines.slice(1)) expect(keys).toContain(confirmKey(connectionId, l.dlvNo, l.prdNo));
    const stored = await hub.db.selectFrom('order_lines').select(['status', 'claim']).where('mall_order_no', '=', cancelled.ordNo).executeTakeFirstOrThrow();
    expect(stored).toEqual({ status: 'cancel_requested', claim: 'cancel_requested' });
  });
});

describe('a line first seen cancelled', () => {
  it('carries a cancelled claim, so the claim filter finds it', () => {
    const fixtures = new URL('../../fixtures/elevenst/', import.meta.url);
    const outcome = decodeOrderList(decodeBody(readFileSync(new URL('complete-rows.xml', fixtures))));
    if (outcome.kind !== 'rows') throw new Error('fixture without rows');
    const line = toChannelOrderLine(outcome.rows[0]!);
    const row = (status: 'cancelled' | 'new') => lineRow(line, { id: 'l1', sellerId: 's', connectionId: 'c', orderId: 'o', raw: '{}', hash: 'h', status, newClaim: undefined, at: '2026-11-28T00:00:00.000Z' });
    expect(row('cancelled')).toMatchObject({ status: 'cancelled', claim: 'cancelled', status_before_claim: null });
    expect(row('new')).toMatchObject({ status: 'new', claim: null });
  });
});
