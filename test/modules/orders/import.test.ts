import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox } from '../../../src/sandbox/elevenst/server.ts';
import { testDialects, type ScratchDatabase } from '../../helpers/databases.ts';
import { connectSandbox, control, countLines, importNow, seedBurst, seedLines, startOrdersHub, type OrdersHub, type Sandbox } from './helpers.ts';

describe.each(testDialects)('order import on $name', ({ create }) => {
  let scratch: ScratchDatabase;
  let hub: OrdersHub;
  let sandbox: Sandbox;
  let connectionId: string;
  let seeded: number;

  beforeAll(async () => {
    scratch = await create();
    hub = await startOrdersHub(scratch);
    sandbox = await startSandbox({ port: 0 });
    // About 6,500 lines over three days and a sale's burst of 3,500 in half an hour: the first 7-day
    // window and the burst both hit the 3,000-row cap.
    seeded = (await seedLines(sandbox, 6_500)) + (await seedBurst(sandbox, 3_500, new Date(Date.now() - 36 * 3600_000).toISOString(), 30));
    connectionId = await connectSandbox(hub.owner, sandbox);
  }, 120_000);
  afterAll(async () => {
    await sandbox?.close();
    await hub?.close();
    await scratch?.drop();
  });

  it('imports 10,000 lines over several 3,000-row windows, each line exactly once, and moves the cursor to the end of the run', async () => {
    const run = await importNow(hub.owner, connectionId, 120_000);
    expect(run.error).toBeNull();
    expect(run.status).toBe('succeeded');
    // Consecutive windows share their boundary minute, so a few lines are read twice: the second sight is "unchanged".
    expect(run.counts).toMatchObject({ new: seeded, updated: 0, failed: 0 });
    expect(run.counts.fetched).toBe(seeded + run.counts.unchanged);
    expect(run.counts.unchanged).toBeLessThan(seeded * 0.03); // a boundary minute in the burst holds ~117
    // Answers that hit the cap were read again in narrower windows until none did.
    const split = run.windows.filter((w: { outcome: string }) => w.outcome === 'split');
    const committed = run.windows.filter((w: { outcome: string }) => w.outcome === 'committed');
    expect(split.length).toBeGreaterThanOrEqual(2);
    expect(committed.length).toBeGreaterThanOrEqual(4);
    for (const w of committed) expect(Date.parse(w.to) - Date.parse(w.from)).toBeLessThanOrEqual(7 * 86_400_000);
    expect(run.calls.some((c: { hitRowCap?: boolean }) => c.hitRowCap)).toBe(true);
    expect(run.calls.every((c: { rows?: number; hitRowCap?: boolean }) => c.hitRowCap || (c.rows ?? 0) < 3000)).toBe(true);

    expect(await countLines(hub.db, connectionId)).toEqual({ total: seeded, distinct: seeded });
    const state = await hub.db.selectFrom('import_state').selectAll().where('connection_id', '=', connectionId).executeTakeFirstOrThrow();
    expect(state.cursor).toBe(run.cursorAfter);
    expect(state.cursor).toBe(run.span.to);
    expect(Math.abs(Date.parse(state.cursor!) - Date.now())).toBeLessThan(5 * 60_000);
    expect(state.lease_owner).toBeNull();

    // Every line the sandbox holds is in the hub, with its mall identifiers as text.
    const sandboxLines = (await control(sandbox, 'GET', 'state')).lines as Array<{ ordNo: string; ordPrdSeq: string }>;
    const stored = await hub.db.selectFrom('order_lines').select(['mall_order_no', 'mall_line_no']).where('connection_id', '=', connectionId).execute();
    const storedKeys = new Set(stored.map((l) => `${l.mall_order_no}:${l.mall_line_no}`));
    expect(sandboxLines.filter((l) => !storedKeys.has(`${l.ordNo}:${l.ordPrdSeq}`))).toEqual([]);
    expect(stored[0]!.mall_order_no).toMatch(/^\d{17}$/);

    const connection = await hub.owner.get(`/api/connections/${connectionId}`);
    expect(connection.body.lastImport).toMatchObject({ runId: run.id, status: 'succeeded', new: seeded });
  }, 180_000);

  it('a second run changes nothing: every fetched line is unchanged, and it reads only from the cursor minus the overlap', async () => {
    const before = await hub.db.selectFrom('import_state').select('cursor').where('connection_id', '=', connectionId).executeTakeFirstOrThrow();
    const run = await importNow(hub.owner, connectionId, 120_000);
    expect(run.status).toBe('succeeded');
    expect(run.counts.new).toBe(0);
    expect(run.counts.updated).toBe(0);
    expect(run.counts.unchanged).toBe(run.counts.fetched);
    expect(run.span.from).toBe(new Date(Date.parse(before.cursor!) - 60 * 60_000).toISOString());
    expect(await countLines(hub.db, connectionId)).toEqual({ total: seeded, distinct: seeded });

  }, 240_000);
});
