import type { TillDatabase } from './database.ts';

// Small facts about the database itself, in its `meta` table.

export function getMeta(db: TillDatabase, key: string): string | null {
  const row = db.read(
    () => db.sql.prepare<[string], { value: string }>('SELECT value FROM meta WHERE key = ?').get(key) ?? null,
  );
  return row?.value ?? null;
}

/** Records a fact the first time only (later calls keep the first value). */
export function setMetaOnce(db: TillDatabase, key: string, value: string): void {
  db.write(() => db.sql.prepare('INSERT OR IGNORE INTO meta (key, value) VALUES (?, ?)').run(key, value));
}

export function setMeta(db: TillDatabase, key: string, value: string): void {
  db.write(() => db.sql.prepare('INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)').run(key, value));
}
