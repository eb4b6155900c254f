import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { TillDatabase } from '../db/database.ts';
import { removeLegacyFilesKeptBefore } from '../db/legacy-import.ts';

// Retention reaches what the till keeps aside as well: a damaged database moved to `set-aside/till-db-<time>/`
// at start (db/startup.ts) and the files of an older version kept in `before-database/` at the upgrade hold
// shopper data (names, NIN, date of birth) that the database itself no longer keeps after `retentionDays`.
// Once they are older than that, they are deleted. Returns what was removed (paths relative to the data folder).
export function removeKeptAsideBefore(db: TillDatabase, dataDir: string, cutoffIso: string): string[] {
  const removed: string[] = [];
  if (removeLegacyFilesKeptBefore(db, dataDir, cutoffIso)) removed.push('before-database');
  const setAside = join(dataDir, 'set-aside');
  if (!existsSync(setAside)) return removed;
  for (const name of readdirSync(setAside)) {
    const keptAt = setAsideTime(name);
    if (keptAt === null || keptAt >= cutoffIso) continue;
    rmSync(join(setAside, name), { recursive: true, force: true });
    removed.push(`set-aside/${name}`);
  }
  return removed;
}

/** `till-db-2026-12-06T11-43-22-123Z` → '2026-12-06T11:43:22.123Z'; null for any other name. */
function setAsideTime(name: string): string | null {
  const match = /^till-db-(\d{4}-\d{2}-\d{2})T(\d{2})-(\d{2})-(\d{2})-(\d{3})Z$/.exec(name);
  return match ? `${match[1]}T${match[2]}:${match[3]}:${match[4]}.${match[5]}Z` : null;
}
