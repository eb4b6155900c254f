import { existsSync, mkdirSync, readFileSync, renameSync } from 'node:fs';
import { dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import { openTillDatabase, type TillDatabase } from './database.ts';
import { quickCheckHere, quickCheckInWorker, type CheckVerdict, type QuickCheckRunner } from './integrity-check.ts';
import { MIGRATIONS } from './migrations.ts';
import { StorageError, storageErrorOf } from './storage-error.ts';
import type { KeyValueStore } from '../storage/store.ts';

// Opening the till database at start, so that a damaged or vanished database is never taken for a fresh
// install:
//  - an existing database is checked (PRAGMA quick_check) through a read-only connection, which can neither
//    write the file nor fold its -wal into it: a damaged database is left byte for byte as it was, then moved
//    with its -wal and -shm into <dataDir>/set-aside/till-db-<time>/ for store IT;
//  - the check reads the whole file (about a second at 100,000 stored sales), so at the app's own schema
//    version it runs beside the start, in a worker thread (db/integrity-check.ts): the database is opened and
//    the screen shown at once, and the core holds everything that could make things worse until the verdict
//    (admin/till-core.ts: no SeQura call, no write a cashier asks for, no checkpoint into the main file). A
//    database that needs a migration is checked first, synchronously, as a migration must not run over damage;
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
      /** The integrity check still running beside the start; null when it already passed (or nothing to check). */
      integrity: IntegrityCheckInProgress | null;
    }
  | { kind: 'blocked'; problem: DatabaseProblem };

/** A failed check: what SQLite said; `damaged` false when the file could not even be read (a disk error). */
export type FailedVerdict = { ok: false; detail: string; damaged: boolean };

/**
 * PRAGMA quick_check running while the till starts. Until `verdict` settles, the till's connection must not
 * checkpoint (the main file stays as found: set here) and nothing may be sent to SeQura or written at a
 * cashier's request (held by the core).
 */
export interface IntegrityCheckInProgress {
  /** Settles once, never rejects. After a pass, checkpoints are allowed again and the check is closed. */
  readonly verdict: Promise<{ ok: true } | FailedVerdict>;
  /**
   * After a failed verdict (or damage met while starting), once the till's own connection is closed: moves
   * the database aside untouched (not when it could not be read at all) and says what happened.
   */
  setAside(failed: FailedVerdict): Promise<DatabaseProblem>;
  /** The till stops before the verdict: the check is given up and its connection closed. */
  abandon(): Promise<void>;
}

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
  /** Runs the check beside the start; default: in a worker thread. Tests wrap it to watch or hold the verdict. */
  runQuickCheck?: QuickCheckRunner;
  /**
   * Damage this start already met, before the check's verdict, and moved aside (IntegrityCheckInProgress
   * `setAside`): the start goes on from there as if the check had found it.
   */
  keptAsideAtStart?: { keptAt: string; detail: string };
}

export async function openTillDatabaseAtStart(options: OpenAtStartOptions): Promise<DatabaseOpening> {
  const { path, marker, clock, log } = options;
  const now = clock().toISOString();
  let damage: { keptAt: string; detail: string } | null = options.keptAsideAtStart ?? null;
  if (!damage && existsSync(path)) {
    const holder = openHolder(path);
    let problem: string | null;
    if (holder) {
      const opened = await openWhileChecking(path, holder, options);
      if (opened.kind === 'opened') {
        if (marker.get('createdAt') === null) marker.set('createdAt', now);
        return { kind: 'opened', db: opened.db, replaced: null, integrity: opened.integrity };
      }
      problem = opened.detail;
    } else {
      // A migration is due (the first start of a new version), or the schema is newer, or the header cannot be
      // read: checked first, synchronously, as a migration must not run over a damaged file.
      problem = quickCheckHere(path);
      if (problem === null) {
        const db = openTillDatabase(path);
        if (marker.get('createdAt') === null) marker.set('createdAt', now);
        return { kind: 'opened', db, replaced: null, integrity: null };
      }
    }
    damage = { keptAt: keepAside(path, clock()), detail: problem };
    log.error('storage.database_damaged', { keptAt: damage.keptAt, detail: problem });
  }
  const existedBefore = marker.get('createdAt') !== null;
  if (!existedBefore && !damage) {
    // A fresh data folder: the database is created, and from now on its absence is data loss.
    const db = openTillDatabase(path);
    marker.set('createdAt', now);
    return { kind: 'opened', db, replaced: null, integrity: null };
  }
  const lastTicket = marker.get('lastTicket');
  const problem: DatabaseProblem = {
    ...problemFor(options, {
      kind: damage ? 'damaged' : 'missing',
      keptAt: damage?.keptAt ?? null,
      detail: damage?.detail ?? null,
    }),
    at: now,
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
  return { kind: 'opened', db, replaced: problem, integrity: null };
}

/**
 * A read-only connection that has read the schema version, when it is this app's own (nothing to migrate);
 * null otherwise. Kept open until the verdict: while it is, the till's connection is never the last one on the
 * file, so closing that one (when the check fails) does not checkpoint the -wal into the main file.
 */
function openHolder(path: string): Database.Database | null {
  let sql: Database.Database | null = null;
  try {
    sql = new Database(path, { readonly: true, fileMustExist: true });
    if (sql.pragma('user_version', { simple: true }) === MIGRATIONS.length) return sql;
  } catch {
    // Unreadable here: the synchronous check says why (damage), or fails the start (a disk error).
  }
  sql?.close();
  return null;
}

async function openWhileChecking(
  path: string,
  holder: Database.Database,
  options: OpenAtStartOptions,
): Promise<
  { kind: 'opened'; db: TillDatabase; integrity: IntegrityCheckInProgress } | { kind: 'damaged'; detail: string }
> {
  const { log, clock } = options;
  const startedAt = Date.now();
  const run =
    options.runQuickCheck ??
    quickCheckInWorker({ onFallback: (reason) => log.error('storage.integrity_check_in_thread', { reason }) });
  const check = run(path);
  const closeHolder = () => {
    try {
      if (holder.open) holder.close();
    } catch {
      // read-only: nothing of the file depends on closing it cleanly
    }
  };
  let db: TillDatabase;
  try {
    db = openTillDatabase(path);
  } catch (error) {
    await check.close().catch(() => {});
    closeHolder();
    const fault = storageErrorOf(error);
    if (fault?.code === 'storage_corrupt') return { kind: 'damaged', detail: fault.message.slice(0, 300) };
    throw fault ?? error;
  }
  // No checkpoint into the main file until the check has passed: a damaged file stays as it was found.
  const autocheckpoint = db.sql.pragma('wal_autocheckpoint', { simple: true }) as number;
  db.sql.pragma('wal_autocheckpoint = 0');
  const verdict = check.verdict.then(
    (found: CheckVerdict): { ok: true } | FailedVerdict => (found.ok ? found : { ...found, damaged: true }),
    (error: unknown): FailedVerdict => ({
      ok: false,
      detail:
        `the database could not be read to check it: ${error instanceof Error ? error.message : String(error)}`.slice(
          0,
          300,
        ),
      damaged: false,
    }),
  );
  const settled = verdict.then(async (found) => {
    log[found.ok ? 'info' : 'error']('storage.integrity_checked', {
      ok: found.ok,
      ms: Date.now() - startedAt,
      ...(found.ok ? {} : { detail: found.detail }),
    });
    if (!found.ok) return found;
    await check.close().catch(() => {});
    closeHolder();
    if (db.sql.open) db.sql.pragma(`wal_autocheckpoint = ${autocheckpoint}`);
    return found;
  });
  return {
    kind: 'opened',
    db,
    integrity: {
      verdict: settled,
      async setAside(failed) {
        await check.close().catch(() => {});
        closeHolder();
        const keptAt = failed.damaged ? keepAside(path, clock()) : null;
        log.error('storage.database_damaged', { keptAt, detail: failed.detail });
        return problemFor(options, { kind: 'damaged', keptAt, detail: failed.detail });
      },
      async abandon() {
        await check.close().catch(() => {});
        closeHolder();
      },
    },
  };
}

function problemFor(
  options: OpenAtStartOptions,
  found: Pick<DatabaseProblem, 'kind' | 'keptAt' | 'detail'>,
): DatabaseProblem {
  const lastTicket = options.marker.get('lastTicket');
  return {
    ...found,
    at: options.clock().toISOString(),
    lastTicket: lastTicket.live?.number ?? lastTicket.training?.number ?? null,
    permissionFile: options.configDir ? join(options.configDir, NEW_DATABASE_FILE) : null,
  };
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
