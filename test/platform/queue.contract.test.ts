import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { queueAdapters, waitFor, type QueueFixture } from '../helpers/queues.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.each(queueAdapters)('job queue contract: $name', ({ create }) => {
  let fx: QueueFixture;
  beforeEach(async () => {
    fx = await create();
  });
  afterEach(async () => {
    await fx.cleanup();
  });

  it('runs a job with its payload and records it as completed', async () => {
    const q = fx.open();
    const seen: unknown[] = [];
    q.register('greet', async (payload) => {
      seen.push(payload);
    });
    await q.start();
    const { id, added } = await q.add('greet', { orderNo: '20261128000000123', name: '똠햏' });
    expect(added).toBe(true);
    await waitFor('completed', async () => (await q.get(id))?.state === 'completed');
    expect(seen).toEqual([{ orderNo: '20261128000000123', name: '똠햏' }]);
    expect((await q.counts()).completed).toBe(1);
  });

  it('treats a second add with the same key as a no-op while the first is pending, and accepts it again afterwards', async () => {
    const q = fx.open();
    let runs = 0;
    q.register('import', async () => {
      runs++;
      await sleep(200);
    });
    const first = await q.add('import', { connection: 'c1' }, { key: 'import:c1' });
    const second = await q.add('import', { connection: 'c1' }, { key: 'import:c1' });
    expect(first.added).toBe(true);
    expect(second).toEqual({ id: first.id, added: false });
    const other = await q.add('import', { connection: 'c2' }, { key: 'import:c2' });
    expect(other.added).toBe(true);
    await q.start();
    await waitFor('both done', async () => (await q.counts()).completed === 2);
    expect(runs).toBe(2);
    const again = await q.add('import', { connection: 'c1' }, { key: 'import:c1' });
    expect(again.added).toBe(true);
    await waitFor('third done', async () => (await q.counts()).completed === 3);
  });

  it('does not run a delayed job before its delay', async () => {
    const q = fx.open();
    let ranAt = 0;
    q.register('later', async () => {
      ranAt = Date.now();
    });
    await q.start();
    const addedAt = Date.now();
    const { id } = await q.add('later', {}, { delayMs: 1500 });
    await sleep(700);
    expect((await q.get(id))?.state).toBe('waiting');
    await waitFor('delayed job ran', async () => (await q.get(id))?.state === 'completed');
    expect(ranAt - addedAt).toBeGreaterThanOrEqual(1400);
  });

  it('retries a failing job with backoff until it succeeds', async () => {
    const q = fx.open();
    const attempts: Array<{ attempt: number; at: number }> = [];
    q.register('flaky', async (_p, ctx) => {
      attempts.push({ attempt: ctx.attempt, at: Date.now() });
      if (ctx.attempt < 3) throw new Error(`mall said -3207 on attempt ${ctx.attempt}`);
    });
    await q.start();
    const { id } = await q.add('flaky', {}, { attempts: 4, backoffMs: 200 });
    await waitFor('flaky job completed', async () => (await q.get(id))?.state === 'completed');
    expect(attempts.map((a) => a.attempt)).toEqual([1, 2, 3]);
    // Exponential: the second wait (≈400 ms) is longer than the first (≈200 ms), both with ±20% jitter.
    expect(attempts[1]!.at - attempts[0]!.at).toBeGreaterThanOrEqual(150);
    expect(attempts[2]!.at - attempts[1]!.at).toBeGreaterThanOrEqual(300);
  });

  it('dead-letters a job that fails on every attempt and keeps its last error', async () => {
    const q = fx.open();
    let runs = 0;
    q.register('doomed', async () => {
      runs++;
      throw new Error('11st answered -3306: tracking number rejected');
    });
    await q.start();
    const { id } = await q.add('doomed', { line: 1 }, { attempts: 2, backoffMs: 50, key: 'doomed:1' });
    const info = await waitFor('dead', async () => {
      const j = await q.get(id);
      return j?.state === 'dead' ? j : undefined;
    });
    expect(runs).toBe(2);
    expect(info.attempts).toBe(2);
    expect(info.lastError).toContain('-3306');
    expect((await q.counts()).dead).toBe(1);
    // A dead job no longer holds its key: the same work can be enqueued again.
    expect((await q.add('doomed', { line: 1 }, { key: 'doomed:1' })).added).toBe(true);
  });

  it('runs at most `concurrency` jobs of a handler at once', async () => {
    const q = fx.open();
    let now = 0;
    let peak = 0;
    q.register(
      'pick',
      async () => {
        now++;
        peak = Math.max(peak, now);
        await sleep(150);
        now--;
      },
      { concurrency: 3 },
    );
    for (let i = 0; i < 9; i++) await q.add('pick', { i });
    await q.start();
    await waitFor('all picked', async () => (await q.counts()).completed === 9);
    expect(peak).toBe(3);
  });

  it('runs a schedule repeatedly and stops after unschedule', async () => {
    const q = fx.open();
    let runs = 0;
    q.register('poll', async (payload) => {
      expect(payload).toEqual({ connectionId: 'c1' });
      runs++;
    });
    await q.start();
    await q.schedule('poll:c1', 'poll', { connectionId: 'c1' }, 1);
    await waitFor('two scheduled runs', () => runs >= 2, 8000);
    await q.unschedule('poll:c1');
    await sleep(300);
    const after = runs;
    await sleep(2500);
    expect(runs).toBe(after);
  });

  it('lets a running job finish when the worker stops gracefully', async () => {
    const q = fx.open({ shutdownTimeoutMs: 5000 });
    let started = false;
    let finished = false;
    q.register('pack', async () => {
      started = true;
      await sleep(600);
      finished = true;
    });
    await q.start();
    const { id } = await q.add('pack', {});
    await waitFor('job started', () => started);
    await q.stop();
    expect(finished).toBe(true);
    const check = fx.open();
    expect((await check.get(id))?.state).toBe('completed');
  });

  it('hands a job that outlives the shutdown timeout to the next worker', async () => {
    const first = fx.open({ shutdownTimeoutMs: 300, leaseMs: 2000 });
    let firstAborted = false;
    first.register('slow', async (_p, ctx) => {
      await new Promise<void>((resolve) => ctx.signal.addEventListener('abort', () => resolve()));
      firstAborted = true;
      // Ignore the abort for a while, as badly behaved handlers do.
      await sleep(100);
    });
    await first.start();
    const { id } = await first.add('slow', { n: 1 });
    await waitFor('running', async () => (await first.get(id))?.state === 'active');
    await first.stop();
    expect(firstAborted).toBe(true);
    const second = fx.open({ leaseMs: 2000 });
    let secondRan = false;
    second.register('slow', async (p) => {
      expect(p).toEqual({ n: 1 });
      secondRan = true;
    });
    await second.start();
    await waitFor('second worker ran it', () => secondRan, 15_000);
    await waitFor('completed', async () => (await second.get(id))?.state === 'completed');
  });
});
