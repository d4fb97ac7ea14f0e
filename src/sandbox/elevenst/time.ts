// Korean time (KST, UTC+9, no daylight saving) as 11st writes and reads it.
// State keeps UTC ISO text; only the wire speaks KST.

const KST_OFFSET_MS = 9 * 3600_000;
const MINUTE_MS = 60_000;
export const DAY_MS = 86_400_000;

function kstParts(ms: number) {
  const d = new Date(ms + KST_OFFSET_MS);
  const p2 = (n: number) => String(n).padStart(2, '0');
  return {
    y: String(d.getUTCFullYear()),
    mo: p2(d.getUTCMonth() + 1),
    d: p2(d.getUTCDate()),
    h: p2(d.getUTCHours()),
    mi: p2(d.getUTCMinutes()),
    s: p2(d.getUTCSeconds()),
  };
}

/** `YYYY-MM-DD HH:MM:SS` in KST, the response format of every date-time field. */
export function kstDateTime(iso: string): string {
  const p = kstParts(Date.parse(iso));
  return `${p.y}-${p.mo}-${p.d} ${p.h}:${p.mi}:${p.s}`;
}

/** `YYYY-MM-DD 00:00:00` in KST (date-only deadline fields such as dlvSndDue). */
export function kstMidnight(iso: string): string {
  const p = kstParts(Date.parse(iso));
  return `${p.y}-${p.mo}-${p.d} 00:00:00`;
}

/** `YYYYMMDD` in KST (the date part of an order number). */
export function kstDay(ms: number): string {
  const p = kstParts(ms);
  return `${p.y}${p.mo}${p.d}`;
}

function fromKstFields(y: number, mo: number, d: number, h: number, mi: number): number | null {
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59) return null;
  const utc = Date.UTC(y, mo - 1, d, h, mi);
  const back = new Date(utc);
  // Rejects 20260231 and similar dates that Date.UTC would roll over.
  if (back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d) return null;
  return utc - KST_OFFSET_MS;
}

/** Parses a 12-digit KST `YYYYMMDDhhmm`; null when malformed or not a real time. */
export function parseStamp12(text: string): number | null {
  const m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})$/.exec(text);
  if (!m) return null;
  return fromKstFields(Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5]));
}

/** Parses an 8-digit KST `YYYYMMDD`; null when malformed. */
export function parseDate8(text: string): number | null {
  const m = /^(\d{4})(\d{2})(\d{2})$/.exec(text);
  if (!m) return null;
  return fromKstFields(Number(m[1]), Number(m[2]), Number(m[3]), 0, 0);
}

/** True when `ms` falls in the minute-granular window [start, end] (both ends inclusive). */
export function inWindow(ms: number, startMs: number, endMs: number): boolean {
  return ms >= startMs && ms < endMs + MINUTE_MS;
}
