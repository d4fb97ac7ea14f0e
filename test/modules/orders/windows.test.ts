import { describe, expect, it } from 'vitest';
import { importSpan, isIndivisible, nextWindowWidth, planWindows, splitWindow, takeFront } from '../../../src/modules/orders/windows.ts';

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

  it('halves a window at a minute boundary, and refuses to split one minute', () => {
    const [a, b] = splitWindow({ from: '2026-04-01T00:00:00.000Z', to: '2026-04-01T00:03:00.000Z' });
    expect(a).toEqual({ from: '2026-04-01T00:00:00.000Z', to: '2026-04-01T00:01:00.000Z' });
    expect(b).toEqual({ from: '2026-04-01T00:01:00.000Z', to: '2026-04-01T00:03:00.000Z' });
    expect(splitWindow({ from: '2026-04-01T00:00:00.000Z', to: '2026-04-08T00:00:00.000Z' })[0].to).toBe('2026-04-04T12:00:00.000Z');
    const minute = { from: '2026-04-01T00:00:00.000Z', to: '2026-04-01T00:01:00.000Z' };
    expect(isIndivisible(minute)).toBe(true);
    expect(() => splitWindow(minute)).toThrow(/one minute/);
  });

  it('splitting repeatedly always ends, and the pieces tile the window exactly', () => {
    let pieces = [{ from: '2026-04-01T00:00:00.000Z', to: '2026-04-08T00:00:00.000Z' }];
    for (let round = 0; round < 30 && pieces.some((p) => !isIndivisible(p)); round++) pieces = pieces.flatMap((p) => (isIndivisible(p) ? [p] : splitWindow(p)));
    expect(pieces.every(isIndivisible)).toBe(true);
    expect(pieces[0]!.from).toBe('2026-04-01T00:00:00.000Z');
    expect(pieces.at(-1)!.to).toBe('2026-04-08T00:00:00.000Z');
    for (let i = 1; i < pieces.length; i++) expect(pieces[i]!.from).toBe(pieces[i - 1]!.to);
  });

  it('sizes the next window from the last one’s rows, between a minute and the mall’s maximum', () => {
    const HOUR = 3600_000;
    const w = { from: '2026-04-01T00:00:00.000Z', to: '2026-04-01T10:00:00.000Z' };
    // 3,600 rows in 10 hours, aiming at 1,800: 5 hours.
    expect(nextWindowWidth(w, 3600, 1800, 7 * DAY)).toBe(5 * HOUR);
    expect(nextWindowWidth(w, 0, 1800, 7 * DAY)).toBe(7 * DAY);
    expect(nextWindowWidth(w, 10, 1800, 7 * DAY)).toBe(7 * DAY);
    expect(nextWindowWidth(w, 10_000_000, 1800, 7 * DAY)).toBe(60_000);
  });

  it('takes the front of a window on a minute boundary and leaves the rest, with nothing between', () => {
    const [front, rest] = takeFront({ from: '2026-04-01T00:00:00.000Z', to: '2026-04-01T10:00:00.000Z' }, 2.5 * 60_000);
    expect(front).toEqual({ from: '2026-04-01T00:00:00.000Z', to: '2026-04-01T00:02:00.000Z' });
    expect(rest).toEqual({ from: '2026-04-01T00:02:00.000Z', to: '2026-04-01T10:00:00.000Z' });
    const whole = { from: '2026-04-01T00:00:00.000Z', to: '2026-04-01T00:30:00.000Z' };
    expect(takeFront(whole, 7 * DAY)).toEqual([whole, undefined]);
  });
});
