import { closeSync, mkdirSync, openSync, statfsSync, unlinkSync } from 'node:fs';
import { dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import type BetterSqlite3 from 'better-sqlite3';
import { MIGRATIONS, type Migration } from './migrations.ts';
import { StorageError, rethrowAsStorageError, storageErrorOf } from './storage-error.ts';

// The till's one database connection, owned by the core (the app holds a single-instance lock, so this
// process is the only writer). Everything whose loss matters lives here: operators, PIN attempts, the audit
// log, and the sale journal, outbox, ticket sequence and history.
//
// Settings chosen for a till that must never lose or roll back a recorded step:
//  - WAL: readers never block the writer, and a commit is one append to the -wal file;
//  - synchronous=FULL: in WAL mode this syncs the WAL on every commit, so a committed transaction survives
//    a power cut (NORMAL would only survive a process crash);
//  - foreign_keys=ON: SQLite leaves them off by default;
//  - busy_timeout: a checkpoint or a backup tool holding a lock briefly is waited for, not reported;
//  - checkpoints between steps, not inside them: SQLite's automatic checkpoint copies the WAL into the main
//    file and syncs it inside whichever commit crosses its threshold (1,000 pages by default), so every
//    hundred or so cashier steps one took several times as long. Here a PASSIVE checkpoint runs on a later
//    turn of the event loop, after CHECKPOINT_AFTER_COMMITS commits or CHECKPOINT_IDLE_MS after the last
//    one; the automatic one stays only as a cap (WAL_CAP_PAGES) for a WAL that grows without the event loop
//    ever turning (one huge import). A checkpoint that fails (no room for the main file to grow) loses
//    nothing: every committed transaction stays in the WAL until a checkpoint has copied and synced it.
export interface TillDatabase {
  readonly path: string;
  /** The connection, for prepared statements. Writes that belong together go through `write`. */
  readonly sql: BetterSqlite3.Database;
  /**
   * Runs `fn` as one IMMEDIATE transaction (the write lock taken at BEGIN): all of it is on disk when this
   * returns, or none of it. A nested call joins the outer transaction (a savepoint). Storage faults come
   * out as StorageError; anything else `fn` throws rolls the transaction back and is rethrown unchanged.
   */
  write<T>(fn: () => T): T;
  /**
   * Called when an outermost `write` fails (its transaction rolled back): holders of in-memory copies
   * reload them, so memory never claims what the disk does not hold.
   */
  onWriteFailed(listener: () => void): () => void;
  /**
   * Runs `fn` once the outermost `write` in progress has committed (dropped if it rolls back), or now when no
   * write is in progress: what the rest of the app is told (events) never runs ahead of what the disk holds.
   */
  afterCommit(fn: () => void): void;
  /** Runs a read; storage faults come out as StorageError. */
  read<T>(fn: () => T): T;
  /**
   * Throws StorageError unless the data folder can take the outcome of an external effect (a SeQura call):
   * writable, with at least `minFreeBytes` free. Asked before each such call, so that SeQura is never told
   * something the till could not then record.
   */
  ensureRecordable(): void;
  /** PRAGMA quick_check (fast; at every start) or integrity_check (thorough; from the admin screen). */
  check(kind: 'quick' | 'full'): { ok: true } | { ok: false; problems: string[] };
  /** The schema version found when it was opened, before migrations (0 = a new database). */
  readonly openedAtVersion: number;
  close(): void;
}

export interface OpenDatabaseOptions {
  /** Defaults to the app's migrations; tests pass their own to exercise the runner. */
  migrations?: readonly Migration[];
  busyTimeoutMs?: number;
  /** Run PRAGMA quick_check before migrating; a failure throws StorageError('storage_corrupt'). */
  quickCheck?: boolean;
  /** Free space the data folder must have before an external effect (default 1 MiB). */
  minFreeBytes?: number;
  /** Told after each checkpoint run between steps (the storage benchmark prints them). */
  onCheckpoint?: (run: CheckpointRun) => void;
}

/** A checkpoint run between steps: how long it held the thread, and SQLite's answer or the fault. */
export type CheckpointRun =
  { ms: number; ok: true; walFrames: number; copiedFrames: number } | { ms: number; ok: false; error: string };

/** Commits after which the next turn of the event loop checkpoints. */
const CHECKPOINT_AFTER_COMMITS = 100;
/** A checkpoint this long after the last commit, when fewer were made. */
const CHECKPOINT_IDLE_MS = 1_000;
/** After a checkpoint that failed (a full disk), or while checkpoints are held. */
const CHECKPOINT_RETRY_MS = 5_000;
/** SQLite's own checkpoint inside a commit, only past this many pages of WAL (~40 MB): the cap. */
const WAL_CAP_PAGES = 10_000;
/** A WAL file grown past this (one big transaction) is cut back to it once checkpointed. */
const WAL_KEEP_BYTES = 64 * 1024 * 1024;

/**
 * Room kept for recording an external effect's outcome: one outcome is a few pages of WAL (sale row, outbox
 * instruction, audit entry, their indexes), far below this; the margin covers a checkpoint in between.
 */
const DEFAULT_MIN_FREE_BYTES = 1024 * 1024;

export function openTillDatabase(path: string, options: OpenDatabaseOptions = {}): TillDatabase {
  const migrations = options.migrations ?? MIGRATIONS;
  let sql: BetterSqlite3.Database;
  try {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    sql = new Database(path);
  } catch (error) {
    rethrowAsStorageError(error);
  }
  try {
    // Looked at before anything that writes (switching to WAL rewrites the header): a database this build
    // must not touch, or a damaged one, is left exactly as it was found.
    refuseNewerSchema(sql, migrations);
    if (options.quickCheck) {
      const result = runCheck(sql, 'quick');
      if (!result.ok)
        throw new StorageError('storage_corrupt', `quick_check: ${result.problems.join('; ')}`.slice(0, 500));
    }
    // journal_mode answers the mode it ended up in; anything but WAL means the file system refused it.
    const mode = sql.pragma('journal_mode = WAL', { simple: true }) as string;
    if (path !== ':memory:' && mode !== 'wal') throw new StorageError('storage_io', `cannot use WAL here (${mode})`);
    sql.pragma('synchronous = FULL');
    sql.pragma('foreign_keys = ON');
    sql.pragma(`busy_timeout = ${Math.max(0, Math.floor(options.busyTimeoutMs ?? 5_000))}`);
    sql.pragma(`wal_autocheckpoint = ${WAL_CAP_PAGES}`);
    sql.pragma(`journal_size_limit = ${WAL_KEEP_BYTES}`);
    const openedAtVersion = migrate(sql, migrations);
    const checkpoints = path === ':memory:' ? null : checkpointsBetweenSteps(sql, options.onCheckpoint);
    const faultOf = (error: unknown) => readOnlyIfSo(storageErrorOf(error), path);
    const failureListeners = new Set<() => void>();
    // Callbacks waiting for the outermost write in progress to commit (null: no write in progress).
    let committed: Array<() => void> | null = null;
    const db: TillDatabase = {
      path,
      sql,
      openedAtVersion,
      write<T>(fn: () => T): T {
        const outermost = !sql.inTransaction;
        if (!outermost) {
          try {
            return sql.transaction(fn)();
          } catch (error) {
            throw faultOf(error) ?? error;
          }
        }
        committed = [];
        let result: T;
        try {
          result = sql.transaction(fn).immediate();
        } catch (error) {
          committed = null;
          for (const listener of failureListeners) listener();
          throw faultOf(error) ?? error;
        }
        const after = committed;
        committed = null;
        checkpoints?.committed();
        for (const callback of after) callback();
        return result;
      },
      afterCommit(fn) {
        if (committed) committed.push(fn);
        else fn();
      },
      onWriteFailed(listener) {
        failureListeners.add(listener);
        return () => failureListeners.delete(listener);
      },
      ensureRecordable() {
        if (path === ':memory:') return;
        const folder = dirname(path);
        let free: number;
        try {
          probeWritable(folder);
          const stats = statfsSync(folder);
          free = stats.bavail * stats.bsize;
        } catch (error) {
          rethrowAsStorageError(error);
        }
        const needed = options.minFreeBytes ?? DEFAULT_MIN_FREE_BYTES;
        if (free < needed)
          throw new StorageError(
            'storage_full',
            `The disk of this till is full: ${free} bytes free, ${needed} needed to record the outcome.`,
            'ENOSPC',
          );
      },
      read<T>(fn: () => T): T {
        try {
          return fn();
        } catch (error) {
          throw faultOf(error) ?? error;
        }
      },
      check(kind) {
        try {
          return runCheck(sql, kind);
        } catch (error) {
          const fault = storageErrorOf(error);
          if (fault?.code === 'storage_corrupt') return { ok: false, problems: [fault.message] };
          throw fault ?? error;
        }
      },
      close() {
        checkpoints?.stop();
        // The last connection to close checkpoints the WAL into the main file and removes it (SQLite's own).
        if (sql.open) sql.close();
      },
    };
    return db;
  } catch (error) {
    try {
      sql.close();
    } catch {
      // already unusable; the original error is the one that matters
    }
    throw storageErrorOf(error) ?? error;
  }
}

/**
 * SQLite reports a write refused by a volume that turned read-only under it (EROFS: the kernel's remount-ro
 * after a disk error) as a plain I/O error. Told apart by asking the folder: the cashier and IT then see
 * "cannot be written" rather than "disk error", and the till keeps retrying as for any storage fault.
 */
function readOnlyIfSo(fault: StorageError | null, path: string): StorageError | null {
  if (fault?.code !== 'storage_io' || path === ':memory:') return fault;
  try {
    probeWritable(dirname(path));
    return fault;
  } catch (error) {
    const cause = storageErrorOf(error);
    return cause?.code === 'storage_read_only' ? cause : fault;
  }
}

/**
 * Throws the errno unless a file can be created in `folder`. access(W_OK) is not enough: ext4's emergency
 * read-only state after a disk error leaves the mount flagged writable and only refuses the write itself.
 */
function probeWritable(folder: string): void {
  const probe = join(folder, '.till-write-probe');
  closeSync(openSync(probe, 'w'));
  unlinkSync(probe);
}

/**
 * Runs PASSIVE checkpoints on a later turn of the event loop, never inside a transaction. Checkpoints are held
 * while `wal_autocheckpoint` is 0: that is how db/startup.ts keeps a file it has not finished checking as it
 * was found.
 */
function checkpointsBetweenSteps(
  sql: BetterSqlite3.Database,
  onCheckpoint: ((run: CheckpointRun) => void) | undefined,
): { committed(): void; stop(): void } {
  let commits = 0;
  /** After a failed or held run: no other before this time, however many commits come meanwhile. */
  let notBefore = 0;
  let soon: ReturnType<typeof setImmediate> | null = null;
  let later: ReturnType<typeof setTimeout> | null = null;
  const cancel = () => {
    if (soon) clearImmediate(soon);
    if (later) clearTimeout(later);
    soon = null;
    later = null;
  };
  const retryIn = (ms: number) => {
    cancel();
    notBefore = Date.now() + ms;
    later = setTimeout(run, ms);
    later.unref?.();
  };
  function run(): void {
    cancel();
    if (!sql.open || sql.inTransaction) return;
    if (sql.pragma('wal_autocheckpoint', { simple: true }) === 0) return retryIn(CHECKPOINT_RETRY_MS);
    const started = process.hrtime.bigint();
    const ms = () => Number(process.hrtime.bigint() - started) / 1e6;
    try {
      const [answer] = sql.pragma('wal_checkpoint(PASSIVE)') as Array<{
        busy: number;
        log: number;
        checkpointed: number;
      }>;
      commits = 0;
      onCheckpoint?.({ ms: ms(), ok: true, walFrames: answer!.log, copiedFrames: answer!.checkpointed });
      // A reader (a backup, the integrity check) kept some frames: the rest goes next time.
      if (answer!.busy || answer!.checkpointed < answer!.log) retryIn(CHECKPOINT_IDLE_MS);
    } catch (error) {
      // No room for the main file to grow, or an I/O fault: the WAL still holds every committed transaction,
      // and the next write reports the fault if it is still there. Tried again later.
      onCheckpoint?.({ ms: ms(), ok: false, error: storageErrorOf(error)?.code ?? String(error) });
      retryIn(CHECKPOINT_RETRY_MS);
    }
  }
  return {
    committed() {
      commits += 1;
      if (Date.now() < notBefore) return; // a run is already set for then
      if (commits >= CHECKPOINT_AFTER_COMMITS) {
        if (later) clearTimeout(later);
        later = null;
        soon ??= setImmediate(run);
        soon.unref?.();
      } else if (!soon && !later) {
        later = setTimeout(run, CHECKPOINT_IDLE_MS);
        later.unref?.();
      }
    },
    stop: cancel,
  };
}

function runCheck(
  sql: BetterSqlite3.Database,
  kind: 'quick' | 'full',
): { ok: true } | { ok: false; problems: string[] } {
  const rows = sql.pragma(kind === 'quick' ? 'quick_check' : 'integrity_check') as Array<Record<string, string>>;
  const problems = rows.map((row) => Object.values(row)[0] ?? '').filter((text) => text !== 'ok');
  return problems.length === 0 ? { ok: true } : { ok: false, problems: problems.slice(0, 20) };
}

/** Brings the database to the latest version, one transaction per step. Returns the version it found. */
export function migrate(sql: BetterSqlite3.Database, migrations: readonly Migration[]): number {
  const found = refuseNewerSchema(sql, migrations);
  for (let version = found; version < migrations.length; version += 1) {
    sql
      .transaction(() => {
        migrations[version]!(sql);
        sql.pragma(`user_version = ${version + 1}`);
      })
      .immediate();
  }
  return found;
}

function refuseNewerSchema(sql: BetterSqlite3.Database, migrations: readonly Migration[]): number {
  const found = sql.pragma('user_version', { simple: true }) as number;
  if (found > migrations.length) {
    // Written by a newer build (the app was downgraded): this code must not touch a schema it does not know.
    throw new StorageError(
      'storage_newer_version',
      `the database is at schema version ${found}; this version of the app knows up to ${migrations.length}`,
    );
  }
  return found;
}
