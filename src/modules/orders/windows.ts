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
export function importSpan(opts: { cursor: string | null; now: Date; overlapMs: number; lookbackMs: number }): ImportSpan {
  const now = opts.now.getTime();
  const start = opts.cursor === null ? now - opts.lookbackMs : Date.parse(opts.cursor) - opts.overlapMs;
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

/** Rows fewer than this say little about where in a window they sit; their window's width is used instead. */
const SPREAD_MIN_ROWS = 100;

/** Time between the earliest and the latest row, at least a minute. */
function spreadOf(rowTimesMs: readonly number[]): number {
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (const t of rowTimesMs) {
    if (t < min) min = t;
    if (t > max) max = t;
  }
  return Math.max(MINUTE_MS, max - min);
}

/**
 * How wide to read after an answer cut at the mall's row cap. Halving is the safe step. When the rows
 * the mall did return cover only part of the window (a list sorted by time, as 11st's appear to be),
 * their spread shows the density and one step gets near `target` rows; an unsorted sample spreads
 * over the whole window and this falls back to halving. Never wider than half the window, never
 * narrower than a minute; a window of one minute cannot be narrowed (see isIndivisible).
 */
export function widthAfterCap(window: TimeWindow, rowTimesMs: readonly number[], target: number): number {
  const width = Date.parse(window.to) - Date.parse(window.from);
  const half = Math.max(MINUTE_MS, floorMinute(width / 2));
  if (rowTimesMs.length < 2) return half;
  const estimate = floorMinute((spreadOf(rowTimesMs) * target) / rowTimesMs.length);
  return Math.max(MINUTE_MS, Math.min(half, estimate));
}

/**
 * How wide the next window should be, from the rows the last one held: aim at about `target` rows
 * (below the mall's cap), never wider than `maxMs` nor narrower than a minute. Dense periods then
 * cost one call per window instead of a capped call thrown away at every split. The density is taken
 * over the rows' own spread when there are enough of them, so a window whose orders start halfway
 * (the quiet night before, or the look-back's empty start) does not make the next one too wide.
 * An empty window says nothing about what comes next, so it only doubles: a wasted small call is
 * cheap, a capped answer is not.
 */
export function nextWindowWidth(last: TimeWindow, rowTimesMs: readonly number[], target: number, maxMs: number): number {
  const width = Date.parse(last.to) - Date.parse(last.from);
  const rows = rowTimesMs.length;
  const basis = rows >= SPREAD_MIN_ROWS ? Math.min(width, spreadOf(rowTimesMs)) : width;
  const scaled = rows === 0 ? width * 2 : (basis * target) / rows;
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
