// The till's calendar day. A sale at 00:30 in Madrid belongs to that day, not to UTC's previous one; the
// shopper's 18+ rule, the day report, the history's date filter and the renderer's "today" all need the same
// answer, so it is computed here and nowhere else.

/** The local calendar date of an instant (a Date or an ISO-8601 timestamp), as 'YYYY-MM-DD'. */
export function localIsoDate(instant: Date | string): string {
  const at = typeof instant === 'string' ? new Date(instant) : instant;
  const year = String(at.getFullYear()).padStart(4, '0');
  const month = String(at.getMonth() + 1).padStart(2, '0');
  const day = String(at.getDate()).padStart(2, '0');
  return `${year}-${month}-${day}`;
}
