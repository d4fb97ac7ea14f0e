import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createOutbox, OutboxPermanentError, type Outbox } from '../../src/platform/outbox/outbox.ts';
import { createSqlQueue } from '../../src/platform/queue/sql-queue.ts';
import type { JobQueue } from '../../src/platform/queue/queue.ts';
import { testDialects, type ScratchDatabase } from '../helpers/databases.ts';
import { silentLog, waitFor } from '../helpers/queues.ts';

const SELLER = 'seller-1';

describe.each(testDialects)('outbox on $name', ({ create }) => {
  let scratch: ScratchDatabase;
  let queue: JobQueue;
  let outbox: Outbox;
  beforeEach(async () => {
    scratch = await create();
    queue = createSqlQueue({ db: scratch.database.db, dialect: scratch.database.dialect, log: silentLog, pollMs: 20 });
    outbox = createOutbox({ db: scratch.database.db, dialect: scratch.database.dialect, queue, log: silentLog, baseDelayMs: 50, maxAttempts: 3, pollSeconds: 1 });
  });
  afterEach(async () => {
    await queue.stop();
    await scratch.drop();
  });

  it('writes the intent with the state change: a rolled-back transaction leaves no intent', async () => {
    const db = scratch.database.db;
    await expect(
      db.transaction().execute(async (tx) => {
        await outbox.add(tx, { kind: 'orders.confirm', key: 'confirm:1', sellerId: SELLER, payload: { line: 1 } });
        throw new Error('the state change failed');
      }),
    ).rejects.toThrow();
    expect(await outbox.list({ sellerIds: [SELLER] })).toEqual([]);
  });

  it('adds one intent per idempotency key, however often it is asked for', async () => {
    const db = scratch.database.db;
    const first = await outbox.add(db, { kind: 'orders.confirm', key: 'confirm:c1:D1:P1', sellerId: SELLER, payload: { n: 1 } });
    const second = await outbox.add(db, { kind: 'orders.confirm', key: 'confirm:c1:D1:P1', sellerId: SELLER, payload: { n: 2 } });
    expect(first.added).toBe(true);
    expect(second).toEqual({ id: first.id, added: false });
    expect(await outbox.list({ sellerIds: [SELLER] })).toHaveLength(1);
  });

  it('sends each intent once and marks it done', async () => {
    const sent: unknown[] = [];
    outbox.register('orders.confirm', async (payload) => {
      sent.push(payload);
    });
    await outbox.registerJobs();
    await queue.start();
    for (let i = 0; i < 20; i++) await outbox.add(scratch.database.db, { kind: 'orders.confirm', key: `k${i}`, sellerId: SELLER, payload: { i } });
    await outbox.kick();
    await waitFor('all done', async () => (await outbox.list({ sellerIds: [SELLER], status: 'done' })).length === 20);
    expect(sent).toHaveLength(20);
    expect(new Set(sent.map((p) => (p as { i: number }).i)).size).toBe(20);
  });

  it('retries a transient failure with backoff, then succeeds', async () => {
    let calls = 0;
    outbox.register('stock.update', async () => {
      calls++;
      if (calls < 3) throw Object.assign(new Error('11st answered HTTP 500'), { kind: 'transient' });
    });
    const { id } = await outbox.add(scratch.database.db, { kind: 'stock.update', key: 's1', sellerId: SELLER, payload: {} });
    for (let i = 0; i < 20 && (await outbox.get([SELLER], id))?.status !== 'done'; i++) {
      await outbox.dispatch();
      await new Promise((r) => setTimeout(r, 60));
    }
    const entry = await outbox.get([SELLER], id);
    expect(entry).toMatchObject({ status: 'done', attempts: 3 });
    expect(calls).toBe(3);
  });

  it('keeps a permanent failure visible with the mall’s code and message, and sends it again on resend', async () => {
    let fail = true;
    outbox.register('tracking.push', async () => {
      if (fail) throw new OutboxPermanentError('-3306', '송장번호가 올바르지 않습니다.');
    });
    const { id } = await outbox.add(scratch.database.db, { kind: 'tracking.push', key: 't1', sellerId: SELLER, payload: {} });
    await outbox.dispatch();
    expect(await outbox.get([SELLER], id)).toMatchObject({ status: 'failed', lastErrorCode: '-3306', lastErrorMessage: '송장번호가 올바르지 않습니다.', attempts: 1 });
    // Another seller neither sees nor resends it.
    expect(await outbox.get(['seller-2'], id)).toBeUndefined();
    expect(await outbox.resend(['seller-2'], id)).toBeUndefined();
    fail = false;
    expect((await outbox.resend([SELLER], id))?.status).toBe('pending');
    await outbox.dispatch();
    expect(await outbox.get([SELLER], id)).toMatchObject({ status: 'done' });
  });

  it('gives up on a transient failure after the last attempt and keeps it as failed', async () => {
    outbox.register('stock.update', async () => {
      throw new Error('network down');
    });
    const { id } = await outbox.add(scratch.database.db, { kind: 'stock.update', key: 's2', sellerId: SELLER, payload: {} });
    for (let i = 0; i < 30 && (await outbox.get([SELLER], id))?.status !== 'failed'; i++) {
      await outbox.dispatch();
      await new Promise((r) => setTimeout(r, 80));
    }
    expect(await outbox.get([SELLER], id)).toMatchObject({ status: 'failed', attempts: 3, lastErrorMessage: 'network down' });
  });

  it('never sends one intent from two dispatchers at once', async () => {
    const second = createOutbox({ db: scratch.database.db, dialect: scratch.database.dialect, queue, log: silentLog });
    const running = new Map<number, number>();
    let overlap = false;
    const handler = async (p: { i: number }) => {
      running.set(p.i, (running.get(p.i) ?? 0) + 1);
      if (running.get(p.i)! > 1) overlap = true;
      await new Promise((r) => setTimeout(r, 5));
    };
    outbox.register('x', handler);
    second.register('x', handler);
    for (let i = 0; i < 60; i++) await outbox.add(scratch.database.db, { kind: 'x', key: `x${i}`, sellerId: SELLER, payload: { i } });
    await Promise.all([outbox.dispatch(), second.dispatch()]);
    expect(overlap).toBe(false);
    expect([...running.values()].every((n) => n === 1)).toBe(true);
    expect(running.size).toBe(60);
  });

  it('claims only the intents it sends now, so none waits claimed behind a slow call', async () => {
    const slow = createOutbox({ db: scratch.database.db, dialect: scratch.database.dialect, queue, log: silentLog, concurrency: 2 });
    let maxSending = 0;
    slow.register('slow', async () => {
      maxSending = Math.max(maxSending, (await slow.list({ sellerIds: [SELLER], status: 'sending' })).length);
      await new Promise((r) => setTimeout(r, 30));
    });
    for (let i = 0; i < 10; i++) await slow.add(scratch.database.db, { kind: 'slow', key: `slow${i}`, sellerId: SELLER, payload: { i } });
    expect(await slow.dispatch()).toBe(10);
    expect(maxSending).toBeGreaterThan(0);
    expect(maxSending).toBeLessThanOrEqual(2);
    expect(await slow.list({ sellerIds: [SELLER], status: 'done' })).toHaveLength(10);
  });

  it('keeps an intent whose call outlasts the lease: the lease is renewed, a second dispatcher does not send it again', async () => {
    // The call lasts 2.5 leases; renewal every third of a lease leaves room for a loaded machine's delays.
    const first = createOutbox({ db: scratch.database.db, dialect: scratch.database.dialect, queue, log: silentLog, leaseMs: 1000, concurrency: 1 });
    const second = createOutbox({ db: scratch.database.db, dialect: scratch.database.dialect, queue, log: silentLog, leaseMs: 1000 });
    let calls = 0;
    const handler = async () => {
      calls++;
      await new Promise((r) => setTimeout(r, 2500));
    };
    first.register('slow', handler);
    second.register('slow', handler);
    const { id } = await first.add(scratch.database.db, { kind: 'slow', key: 'slow-1', sellerId: SELLER, payload: {} });
    const sending = first.dispatch();
    await waitFor('claimed', async () => (await first.get([SELLER], id))?.status === 'sending');
    for (let i = 0; i < 5; i++) {
      await new Promise((r) => setTimeout(r, 400));
      expect(await second.dispatch()).toBe(0);
    }
    await sending;
    expect(calls).toBe(1);
    expect(await first.get([SELLER], id)).toMatchObject({ status: 'done', attempts: 1 });
  });

  it('does not let a dispatcher that lost its claim record its result over the one now sending', async () => {
    const db = scratch.database.db;
    // One slot: with more, a slow slot of the first dispatcher could take the expired intent itself.
    const first = createOutbox({ db, dialect: scratch.database.dialect, queue, log: silentLog, baseDelayMs: 50, concurrency: 1 });
    const second = createOutbox({ db, dialect: scratch.database.dialect, queue, log: silentLog });
    let failFirst!: () => void;
    let finishSecond!: () => void;
    first.register('x', () => new Promise<void>((_resolve, reject) => (failFirst = () => reject(new Error('timed out')))));
    second.register('x', () => new Promise<void>((resolve) => (finishSecond = resolve)));
    const { id } = await first.add(db, { kind: 'x', key: 'x-stale', sellerId: SELLER, payload: {} });
    const stale = first.dispatch();
    await waitFor('claimed by the first', async () => (await first.get([SELLER], id))?.status === 'sending');
    // The first dispatcher stalled past its lease: the second takes the intent over.
    await db.updateTable('outbox').set({ lease_until: new Date(Date.now() - 1000).toISOString() }).where('id', '=', id).execute();
    const fresh = second.dispatch();
    await waitFor('claimed by the second', async () => (await second.get([SELLER], id))?.attempts === 2);
    failFirst();
    await stale;
    expect(await second.get([SELLER], id)).toMatchObject({ status: 'sending', attempts: 2, lastErrorMessage: null });
    finishSecond();
    expect(await fresh).toBe(1);
    expect(await second.get([SELLER], id)).toMatchObject({ status: 'done', attempts: 2, lastErrorMessage: null });
  });

  it('reopens an intent that ended, once, however many callers ask for it at the same time', async () => {
    const db = scratch.database.db;
    const intent = { kind: 'orders.confirm', key: 'confirm:c1:D9:P9', sellerId: SELLER, payload: { n: 1 } };
    const { id } = await outbox.add(db, intent);
    await db.updateTable('outbox').set({ status: 'failed', attempts: 3, last_error_code: '-1' }).where('id', '=', id).execute();
    const answers = await Promise.all(Array.from({ length: 4 }, () => db.transaction().execute((tx) => outbox.add(tx, intent, { reopen: true }))));
    expect(answers.map((a) => a.id)).toEqual([id, id, id, id]);
    expect(answers.filter((a) => a.added)).toHaveLength(1);
    expect(await outbox.list({ sellerIds: [SELLER] })).toEqual([expect.objectContaining({ id, status: 'pending', attempts: 0 })]);
    // A pending intent is left as it is; without `reopen` an ended one is too.
    expect(await outbox.add(db, intent, { reopen: true })).toEqual({ id, added: false });
    await db.updateTable('outbox').set({ status: 'done' }).where('id', '=', id).execute();
    expect(await outbox.add(db, intent)).toEqual({ id, added: false });
    expect(await outbox.get([SELLER], id)).toMatchObject({ status: 'done' });
  });
});
