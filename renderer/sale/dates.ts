// Dates as the cashier types them (day first, Spanish style) and as the shared schema wants them (ISO).
// Nothing here uses `Date` to parse, so a birth date cannot shift by a day with the till's time zone.

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DAY_FIRST = /^(\d{1,2})[/.\- ](\d{1,2})[/.\- ](\d{4})$/;
const EIGHT_DIGITS = /^(\d{2})(\d{2})(\d{4})$/;

/** '1990-03-15' → '15/03/1990'; anything else (a half-typed date) is shown as it was typed. */
export function isoDateToDayFirst(value: string): string {
  const match = ISO_DATE.exec(value);
  return match ? `${match[3]}/${match[2]}/${match[1]}` : value;
}

/**
 * What the cashier typed → what the draft keeps: '15/3/1990', '15-03-1990', '15.03.1990' or '15031990' become
 * '1990-03-15'; an incomplete date is kept as typed (the schema then reports it as invalid, and nothing typed
 * is lost). Whether the day exists is the shared schema's job.
 */
export function dayFirstToIsoDate(typed: string): string {
  const text = typed.trim();
  const match = DAY_FIRST.exec(text) ?? EIGHT_DIGITS.exec(text);
  if (!match) return typed;
  const [, day = '', month = '', year = ''] = match;
  return `${year}-${month.padStart(2, '0')}-${day.padStart(2, '0')}`;
}

/** Whole seconds between two instants, never negative (clocks of main and renderer are the same machine's). */
export function secondsBetween(fromIso: string, now: Date): number {
  return Math.max(0, Math.floor((now.getTime() - new Date(fromIso).getTime()) / 1000));
}

/** 135 → '2:15'; 3725 → '1:02:05'. */
export function formatDuration(totalSeconds: number): string {
  const hours = Math.floor(totalSeconds / 3600);
  const minutes = Math.floor((totalSeconds % 3600) / 60);
  const seconds = totalSeconds % 60;
  const ss = String(seconds).padStart(2, '0');
  return hours > 0 ? `${hours}:${String(minutes).padStart(2, '0')}:${ss}` : `${minutes}:${ss}`;
}
