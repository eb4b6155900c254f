import { existsSync, mkdirSync, readFileSync, renameSync } from 'node:fs';
import { dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import { openTillDatabase, type TillDatabase } from './database.ts';
import { StorageError, storageErrorOf } from './storage-error.ts';
import type { KeyValueStore } from '../storage/store.ts';

// Opening the till database at start, so that a damaged or vanished database is never taken for a fresh
// install:
//  - an existing database is checked first (PRAGMA quick_check) through a read-only connection, which can
//    neither write the file nor fold its -wal into it: a damaged database is left byte for byte as it was,
//    then moved with its -wal and -shm into <dataDir>/set-aside/till-db-<time>/ for store IT;
//  - the preferences remember that a database existed here (and the last ticket it handed out), so a missing
//    one is reported as data loss rather than replaced by an empty one;
//  - the till then does not sell: the recovery screen says what happened. Store IT either puts a copy of the
//    database back, or allows a new, empty one with a file `start-new-database.txt` next to the machine
//    configuration (each different text once); the new database continues the ticket numbers above the last
//    known one and marks the operators as lost (first-run manager creation stays closed: allow-first-manager.txt).

/** The preference file `till-database.json`: small, and harmless to lose (it only makes the till stricter). */
export interface DatabaseMarkerFile extends Record<string, unknown> {
  schemaVersion: 1;
  /** When a database was first created (or first seen) in this data folder; null: never. */
  createdAt: string | null;
  /** The last ticket handed out, per realm, as the preferences last saw it. */
  lastTicket: { live: LastTicket | null; training: LastTicket | null };
  /** The text of the last store-IT permission used to start a new database (each text works once). */
  newDatabaseAcceptedWith: string | null;
}

export interface LastTicket {
  sequence: number;
  number: string;
}

export const DATABASE_MARKER_DEFAULTS: DatabaseMarkerFile = {
  schemaVersion: 1,
  createdAt: null,
  lastTicket: { live: null, training: null },
  newDatabaseAcceptedWith: null,
};

/** Store IT's one-time permission to start a new, empty database after one was lost or damaged. */
export const NEW_DATABASE_FILE = 'start-new-database.txt';

/** What went wrong with the database at start (shown on the recovery screen, and in the status). */
export interface DatabaseProblem {
  kind: 'damaged' | 'missing';
  /** The folder the damaged files were moved to (absolute); null for a missing database. */
  keptAt: string | null;
  /** What the check said (SQLite's words), for store IT. */
  detail: string | null;
  at: string;
  /** The last ticket number the preferences knew of (live, else training). */
  lastTicket: string | null;
  /** Where store IT puts the permission file for a new database (null when the configuration folder is unknown). */
  permissionFile: string | null;
}

export type DatabaseOpening =
  | {
      kind: 'opened';
      db: TillDatabase;
      /** Set when this database was just started by store IT in place of a lost or damaged one. */
      replaced: DatabaseProblem | null;
    }
  | { kind: 'blocked'; problem: DatabaseProblem };

export interface OpenAtStartOptions {
  path: string;
  marker: KeyValueStore<DatabaseMarkerFile>;
  /** The folder the machine configuration lives in (where IT's permission file goes); null if unknown. */
  configDir: string | null;
  clock: () => Date;
  log: {
    info(event: string, data?: Record<string, unknown>): void;
    error(event: string, data?: Record<string, unknown>): void;
  };
}

export function openTillDatabaseAtStart(options: OpenAtStartOptions): DatabaseOpening {
  const { path, marker, clock, log } = options;
  const now = clock().toISOString();
  let damage: { keptAt: string; detail: string } | null = null;
  if (existsSync(path)) {
    const problem = quickCheck(path);
    if (problem === null) {
      const db = openTillDatabase(path);
      if (marker.get('createdAt') === null) marker.set('createdAt', now);
      return { kind: 'opened', db, replaced: null };
    }
    damage = { keptAt: keepAside(path, clock()), detail: problem };
    log.error('storage.database_damaged', { keptAt: damage.keptAt, detail: problem });
  }
  const existedBefore = marker.get('createdAt') !== null;
  if (!existedBefore && !damage) {
    // A fresh data folder: the database is created, and from now on its absence is data loss.
    const db = openTillDatabase(path);
    marker.set('createdAt', now);
    return { kind: 'opened', db, replaced: null };
  }
  const lastTicket = marker.get('lastTicket');
  const problem: DatabaseProblem = {
    kind: damage ? 'damaged' : 'missing',
    keptAt: damage?.keptAt ?? null,
    detail: damage?.detail ?? null,
    at: now,
    lastTicket: lastTicket.live?.number ?? lastTicket.training?.number ?? null,
    permissionFile: options.configDir ? join(options.configDir, NEW_DATABASE_FILE) : null,
  };
  const permission = readPermission(options.configDir);
  if (permission === null || permission === marker.get('newDatabaseAcceptedWith')) {
    if (!damage) log.error('storage.database_missing', { path, createdAt: marker.get('createdAt') });
    return { kind: 'blocked', problem };
  }
  // Store IT allowed a new database: it starts empty, continues the ticket numbers, and knows it replaced one.
  const db = openTillDatabase(path);
  db.write(() => {
    for (const realm of ['live', 'training'] as const) {
      const sequence = lastTicket[realm]?.sequence ?? 0;
      db.sql.prepare('INSERT OR IGNORE INTO sale_journal (realm) VALUES (?)').run(realm);
      db.sql
        .prepare('UPDATE sale_journal SET ticket_sequence = MAX(ticket_sequence, ?) WHERE realm = ?')
        .run(sequence, realm);
    }
    db.sql
      .prepare('INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)')
      .run('database_replaced', JSON.stringify({ ...problem, permission: permission.slice(0, 200) }));
  });
  marker.set({ newDatabaseAcceptedWith: permission, createdAt: now });
  log.info('storage.database_replaced', { kind: problem.kind, keptAt: problem.keptAt });
  return { kind: 'opened', db, replaced: problem };
}

/** PRAGMA quick_check through a read-only connection: null when the database is sound, else what is wrong. */
export function quickCheck(path: string): string | null {
  let sql: Database.Database | null = null;
  try {
    sql = new Database(path, { readonly: true, fileMustExist: true });
    const rows = sql.pragma('quick_check') as Array<Record<string, string>>;
    const problems = rows.map((row) => Object.values(row)[0] ?? '').filter((text) => text !== 'ok');
    return problems.length === 0 ? null : problems.slice(0, 5).join('; ').slice(0, 300);
  } catch (error) {
    const fault = storageErrorOf(error);
    // Damage (not a database, malformed): reported. Anything else (a disk error, no permission) is not the
    // file's fault and must not move it: the start fails with that error instead.
    if (fault?.code === 'storage_corrupt') return fault.message.slice(0, 300);
    throw fault ?? error;
  } finally {
    try {
      sql?.close();
    } catch {
      // a connection that never opened
    }
  }
}

/** Moves the database and its -wal and -shm, untouched, into a dated folder of their own. */
function keepAside(path: string, at: Date): string {
  const stamp = at.toISOString().replace(/[:.]/g, '-');
  const folder = join(dirname(path), 'set-aside', `till-db-${stamp}`);
  try {
    mkdirSync(folder, { recursive: true });
    for (const suffix of ['', '-wal', '-shm', '-journal']) {
      const file = `${path}${suffix}`;
      if (existsSync(file)) renameSync(file, join(folder, `till.db${suffix}`));
    }
  } catch (error) {
    throw (
      storageErrorOf(error) ??
      new StorageError('storage_io', `cannot keep the damaged database aside: ${String(error)}`)
    );
  }
  return folder;
}

function readPermission(configDir: string | null): string | null {
  if (!configDir) return null;
  try {
    const text = readFileSync(join(configDir, NEW_DATABASE_FILE), 'utf8').trim();
    return text ? text.slice(0, 200) : null;
  } catch {
    return null;
  }
}
