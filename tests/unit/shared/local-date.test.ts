// The till's calendar day, computed in one place (shared/time/local-date.ts) for the 18+ rule, the day report,
// the history's date filter and the renderer's "today".
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { localIsoDate } from '../../../shared/time/local-date.ts';

const originalTz = process.env.TZ;
afterEach(() => {
  if (originalTz === undefined) delete process.env.TZ;
  else process.env.TZ = originalTz;
});

describe('localIsoDate', () => {
  it("gives the till's calendar day, not UTC's, on both sides of midnight and of the clock change", () => {
    process.env.TZ = 'Europe/Madrid';
    // 00:30 in Madrid (UTC+1 in winter) is still the previous day in UTC.
    expect(localIsoDate('2026-03-01T23:30:00.000Z')).toBe('2026-03-02');
    expect(localIsoDate(new Date('2026-03-01T22:59:59.999Z'))).toBe('2026-03-01');
    // Summer time (UTC+2): 00:30 on 1 July is 22:30 UTC on 30 June.
    expect(localIsoDate('2026-06-30T22:30:00.000Z')).toBe('2026-07-01');
    expect(localIsoDate('2026-06-30T21:59:00.000Z')).toBe('2026-06-30');
    // The Canary Islands are an hour behind the peninsula.
    process.env.TZ = 'Atlantic/Canary';
    expect(localIsoDate('2026-03-01T23:30:00.000Z')).toBe('2026-03-01');
  });

  it('takes an ISO timestamp with any offset, and pads every part', () => {
    process.env.TZ = 'UTC';
    expect(localIsoDate('2026-01-05T00:30:00+01:00')).toBe('2026-01-04');
    expect(localIsoDate(new Date(Date.UTC(987, 0, 9)))).toBe('0987-01-09');
  });

  it('is the only place the code builds a calendar date from a Date', () => {
    const offenders: string[] = [];
    const walk = (dir: string): void => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        const path = join(dir, entry.name);
        if (entry.isDirectory()) walk(path);
        else if (/\.tsx?$/.test(entry.name) && /\.getFullYear\(\)/.test(readFileSync(path, 'utf8')))
          offenders.push(path);
      }
    };
    for (const root of ['electron', 'shared', 'renderer', 'sandbox']) walk(root);
    expect(offenders).toEqual([join('shared', 'time', 'local-date.ts')]);
  });
});
