import type { TimeWindow } from '../../marketplaces/types.ts';

/** Malls take list windows to the minute; every boundary the importer plans sits on a whole minute. */
export const MINUTE_MS = 60_000;

const floorMinute = (ms: number) => Math.floor(ms / MINUTE_MS) * MINUTE_MS;
const ceilMinute = (ms: number) => Math.ceil(ms / MINUTE_MS) * MINUTE_MS;
const iso = (ms: number) => new Date(ms).toISOString();

export interface ImportSpan {
  from: string;
  to: string;
}

/**
 * Where a run starts and ends: from the cursor minus the overlap (or, on the first run, the look-back)
 * to now. The overlap re-reads the last stretch, so a line committed late on the mall's side is not
 * missed; the upsert makes the second sight of a line harmless.
 */
export function importSpan(opts: { cursor: string | null; now: Date; overlapMs: number; lookbackMs: number; maxLookbackMs?: number }): ImportSpan {
  const now = opts.now.getTime();
  const earliest = now - (opts.maxLookbackMs ?? Number.POSITIVE_INFINITY);
  const start = opts.cursor === null ? now - opts.lookbackMs : Math.max(Date.parse(opts.cursor) - opts.overlapMs, earliest);
  return { from: iso(floorMinute(Math.min(start, now))), to: iso(ceilMinute(now)) };
}

/**
 * Cuts a span into consecutive windows of at most `maxMs`, oldest first, on minute boundaries.
 * Consecutive windows share their boundary minute (malls include both ends), so nothing falls between.
 */
export function planWindows(span: ImportSpan, maxMs: number): TimeWindow[] {
  if (maxMs < MINUTE_MS) throw new Error(`window maximum ${maxMs} ms is shorter than a minute`);
  const from = floorMinute(Date.parse(span.from));
  const to = ceilMinute(Date.parse(span.to));
  const step = floorMinute(maxMs);
  const windows: TimeWindow[] = [];
  for (let start = from; start < to; start += step) windows.push({ from: iso(start), to: iso(Math.min(start + step, to)) });
  if (windows.length === 0) windows.push({ from: iso(from), to: iso(Math.max(to, from + MINUTE_MS)) });
  return windows;
}

/** True when a window is one minute or less: the mall cannot be asked for anything narrower. */
export function isIndivisible(window: TimeWindow): boolean {
  return Date.parse(window.to) - Date.parse(window.from) <= MINUTE_MS;
}

/**
 * Halves a window whose answer hit the mall's row cap, at a minute boundary. Throws for a window of
 * one minute: more rows than the cap in one minute cannot be read completely, and the run must say so
 * rather than move on.
 */
export function splitWindow(window: TimeWindow): [TimeWindow, TimeWindow] {
  const from = Date.parse(window.from);
  const to = Date.parse(window.to);
  if (isIndivisible(window)) throw new Error(`window ${window.from} – ${window.to} cannot be split below one minute`);
  const middle = floorMinute(from + (to - from) / 2);
  const cut = middle <= from ? from + MINUTE_MS : middle;
  return [
    { from: iso(from), to: iso(cut) },
    { from: iso(cut), to: iso(to) },
  ];
}

/**
 * How wide the next window should be, from what the last one held: aim at about `target` rows
 * (below the mall's cap), never wider than `maxMs` nor narrower than a minute. Dense periods then
 * cost one call per window instead of a capped call thrown away at every split.
 */
export function nextWindowWidth(last: TimeWindow, rows: number, target: number, maxMs: number): number {
  const width = Date.parse(last.to) - Date.parse(last.from);
  const scaled = rows <= 0 ? maxMs : (width * target) / rows;
  return Math.max(MINUTE_MS, Math.min(maxMs, floorMinute(scaled)));
}

/** Takes at most `widthMs` off the front of a window: the front part, and what is left (if anything). */
export function takeFront(window: TimeWindow, widthMs: number): [TimeWindow, TimeWindow | undefined] {
  const from = Date.parse(window.from);
  const to = Date.parse(window.to);
  const cut = floorMinute(from + Math.max(MINUTE_MS, widthMs));
  if (cut >= to) return [window, undefined];
  return [
    { from: iso(from), to: iso(cut) },
    { from: iso(cut), to: iso(to) },
  ];
}
