import { describe, expect, it } from 'vitest';
import { importSpan, isIndivisible, nextWindowWidth, planWindows, takeFront, widthAfterCap } from '../../../src/modules/orders/windows.ts';

const DAY = 86_400_000;
const MIN = 60_000;

describe('import windows', () => {
  it('starts a first run at the look-back and later runs at the cursor minus the overlap, ending now, on whole minutes', () => {
    const now = new Date('2026-05-10T12:34:56.789Z');
    expect(importSpan({ cursor: null, now, overlapMs: 60 * MIN, lookbackMs: 7 * DAY })).toEqual({ from: '2026-05-03T12:34:00.000Z', to: '2026-05-10T12:35:00.000Z' });
    expect(importSpan({ cursor: '2026-05-10T12:00:00.000Z', now, overlapMs: 60 * MIN, lookbackMs: 7 * DAY })).toEqual({ from: '2026-05-10T11:00:00.000Z', to: '2026-05-10T12:35:00.000Z' });
    // A cursor in the future (clock skew) never yields a window that ends before it starts.
    const ahead = importSpan({ cursor: '2026-05-10T14:00:00.000Z', now, overlapMs: 0, lookbackMs: DAY });
    expect(Date.parse(ahead.from)).toBeLessThanOrEqual(Date.parse(ahead.to));
  });

  it('cuts a long span into consecutive windows of at most 7 days that share their boundaries and cover it all', () => {
    const windows = planWindows({ from: '2026-04-01T00:00:00.000Z', to: '2026-04-20T06:00:00.000Z' }, 7 * DAY);
    expect(windows).toEqual([
      { from: '2026-04-01T00:00:00.000Z', to: '2026-04-08T00:00:00.000Z' },
      { from: '2026-04-08T00:00:00.000Z', to: '2026-04-15T00:00:00.000Z' },
      { from: '2026-04-15T00:00:00.000Z', to: '2026-04-20T06:00:00.000Z' },
    ]);
    for (const w of windows) expect(Date.parse(w.to) - Date.parse(w.from)).toBeLessThanOrEqual(7 * DAY);
    expect(planWindows({ from: '2026-04-01T00:00:00.000Z', to: '2026-04-01T00:30:00.000Z' }, 7 * DAY)).toHaveLength(1);
  });

  it('after a capped answer, narrows by the returned rows’ spread, at most to half and never below a minute', () => {
    const HOUR = 3600_000;
    const week = { from: '2026-04-01T00:00:00.000Z', to: '2026-04-08T00:00:00.000Z' };
    const start = Date.parse(week.from);
    // 3,000 rows sorted by time covering the first 5 hours: 1,800 rows take 3 hours (2:59 on the minute).
    const sorted = Array.from({ length: 3000 }, (_, i) => start + (i / 3000) * 5 * HOUR);
    expect(widthAfterCap(week, sorted, 1800)).toBe(3 * HOUR - 60_000);
    // Rows spread over the whole window (an unsorted sample): plain halving.
    const spread = Array.from({ length: 3000 }, (_, i) => start + (i / 3000) * 7 * DAY);
    expect(widthAfterCap(week, spread, 1800)).toBe(3.5 * DAY);
    // Nothing to go by: halving.
    expect(widthAfterCap(week, [], 1800)).toBe(3.5 * DAY);
    // All 3,000 rows in one second: a minute, the narrowest a mall is asked for.
    expect(widthAfterCap(week, Array.from({ length: 3000 }, () => start), 1800)).toBe(60_000);
    const minute = { from: '2026-04-01T00:00:00.000Z', to: '2026-04-01T00:01:00.000Z' };
    expect(isIndivisible(minute)).toBe(true);
    expect(isIndivisible({ from: minute.from, to: '2026-04-01T00:02:00.000Z' })).toBe(false);
  });

  it('narrowing after caps always ends: the front window shrinks to one minute, on minute boundaries', () => {
    let w = { from: '2026-04-01T00:00:00.000Z', to: '2026-04-08T00:00:00.000Z' };
    let rounds = 0;
    while (!isIndivisible(w) && rounds++ < 40) {
      const width = widthAfterCap(w, [Date.parse(w.from), Date.parse(w.to)], 1800); // worst case: rows at both ends
      const [front, rest] = takeFront(w, width);
      expect(rest).toBeDefined();
      expect(rest!.from).toBe(front.to);
      expect(Date.parse(front.to) % 60_000).toBe(0);
      w = front;
    }
    expect(isIndivisible(w)).toBe(true);
    expect(rounds).toBeLessThan(20);
  });

  it('sizes the next window from the last one’s rows, between a minute and the mall’s maximum', () => {
    const HOUR = 3600_000;
    const w = { from: '2026-04-01T00:00:00.000Z', to: '2026-04-01T10:00:00.000Z' };
    const start = Date.parse(w.from);
    /** `count` rows evenly over the first `hours` hours of the window. */
    const rows = (count: number, hours: number) => Array.from({ length: count }, (_, i) => start + ((i + 0.5) / count) * hours * HOUR);
    // 3,600 rows over 10 hours, aiming at 1,800: 5 hours (4:59, the rows' spread rounded down to the minute).
    expect(nextWindowWidth(w, rows(3600, 10), 1800, 7 * DAY)).toBe(5 * HOUR - 60_000);
    // The same rows within 4 of the 10 hours (a quiet stretch in the window): density over those 4 hours.
    expect(nextWindowWidth(w, rows(3600, 4), 1800, 7 * DAY)).toBe(2 * HOUR - 60_000);
    // A handful of rows says little about where they sit: the window's width is the basis.
    expect(nextWindowWidth(w, rows(10, 0.1), 1800, 7 * DAY)).toBe(7 * DAY);
    expect(nextWindowWidth(w, [], 1800, 7 * DAY)).toBe(20 * HOUR); // empty: doubles
    expect(nextWindowWidth({ from: w.from, to: '2026-04-05T00:00:00.000Z' }, [], 1800, 7 * DAY)).toBe(7 * DAY);
    expect(nextWindowWidth(w, Array.from({ length: 100_000 }, () => start), 1800, 7 * DAY)).toBe(60_000);
  });

  it('takes the front of a window on a minute boundary and leaves the rest, with nothing between', () => {
    const [front, rest] = takeFront({ from: '2026-04-01T00:00:00.000Z', to: '2026-04-01T10:00:00.000Z' }, 2.5 * 60_000);
    expect(front).toEqual({ from: '2026-04-01T00:00:00.000Z', to: '2026-04-01T00:02:00.000Z' });
    expect(rest).toEqual({ from: '2026-04-01T00:02:00.000Z', to: '2026-04-01T10:00:00.000Z' });
    const whole = { from: '2026-04-01T00:00:00.000Z', to: '2026-04-01T00:30:00.000Z' };
    expect(takeFront(whole, 7 * DAY)).toEqual([whole, undefined]);
  });
});
