import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openTillDatabase, type CheckpointRun, type TillDatabase } from '../../electron/core/db/database.ts';
import { MIGRATIONS, SCHEMA_VERSION, type Migration } from '../../electron/core/db/migrations.ts';
import { StorageError, storageErrorOf } from '../../electron/core/db/storage-error.ts';
import { mountSmallDisk } from '../support/small-disk.ts';

let dir: string;
const opened: TillDatabase[] = [];
function open(path = join(dir, 'till.db'), options: Parameters<typeof openTillDatabase>[1] = {}): TillDatabase {
  const db = openTillDatabase(path, options);
  opened.push(db);
  return db;
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'pos-db-'));
});
afterEach(() => {
  for (const db of opened.splice(0)) db.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('the till database connection', () => {
  it('opens with WAL, synchronous=FULL, foreign keys and a busy timeout', () => {
    const db = open();
    expect(db.sql.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.sql.pragma('synchronous', { simple: true })).toBe(2); // FULL
    expect(db.sql.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(db.sql.pragma('busy_timeout', { simple: true })).toBe(5000);
  });

  it('a write is all or nothing: an error inside rolls back every statement of it', () => {
    const db = open();
    const insert = db.sql.prepare('INSERT INTO meta (key, value) VALUES (?, ?)');
    expect(() =>
      db.write(() => {
        insert.run('a', '1');
        insert.run('b', '2');
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(db.sql.prepare('SELECT count(*) AS n FROM meta').get()).toEqual({ n: 0 });
    db.write(() => {
      insert.run('a', '1');
      db.write(() => insert.run('b', '2')); // nested: joins the outer transaction
    });
    expect(db.sql.prepare('SELECT count(*) AS n FROM meta').get()).toEqual({ n: 2 });
  });

  it('a committed write is in the file another connection opens (nothing left in memory only)', () => {
    const db = open();
    db.write(() => db.sql.prepare("INSERT INTO meta (key, value) VALUES ('k', 'v')").run());
    const other = new Database(db.path, { readonly: true });
    try {
      expect(other.prepare("SELECT value FROM meta WHERE key = 'k'").get()).toEqual({ value: 'v' });
    } finally {
      other.close();
    }
  });

  it('quick_check and integrity_check answer ok on a healthy database', () => {
    const db = open();
    expect(db.check('quick')).toEqual({ ok: true });
    expect(db.check('full')).toEqual({ ok: true });
  });

  it('a file that is not a database is a typed storage_corrupt error, and the file is left as it was', () => {
    const path = join(dir, 'till.db');
    writeFileSync(path, 'this is not sqlite '.repeat(300));
    const before = readFileSync(path);
    let caught: unknown;
    try {
      open(path, { quickCheck: true });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(StorageError);
    expect((caught as StorageError).code).toBe('storage_corrupt');
    expect(readFileSync(path).equals(before)).toBe(true);
  });

  it('a database that is full answers storage_full and keeps what was committed before', () => {
    const db = open();
    // A real SQLITE_FULL from SQLite itself: the file may not grow past its current size.
    db.sql.pragma(`max_page_count = ${db.sql.pragma('page_count', { simple: true }) as number}`);
    const insert = db.sql.prepare(
      'INSERT INTO audit_log (seq, at, actor, action, outcome, line) VALUES (?, ?, ?, ?, ?, ?)',
    );
    let committed = 0;
    let caught: unknown;
    try {
      for (let seq = 1; seq < 10_000; seq += 1) {
        db.write(() => insert.run(seq, 'now', 'system', 'x', 'ok', 'y'.repeat(500)));
        committed = seq;
      }
    } catch (error) {
      caught = error;
    }
    expect((caught as StorageError).code).toBe('storage_full');
    expect((caught as StorageError).cause_code).toMatch(/^SQLITE_FULL/);
    expect(db.sql.prepare('SELECT count(*) AS n FROM audit_log').get()).toEqual({ n: committed });
  });
});

describe('checkpoints between steps', () => {
  const nextTurn = () => new Promise((resolve) => setImmediate(resolve));
  /** Commits of a few pages each (an audit row of 12 KB), as many as asked, without letting the event loop turn. */
  function commitPages(db: TillDatabase, commits: number, from = 1): void {
    const insert = db.sql.prepare(
      'INSERT INTO audit_log (seq, at, actor, action, outcome, line) VALUES (?, ?, ?, ?, ?, ?)',
    );
    for (let seq = from; seq < from + commits; seq += 1)
      db.write(() => insert.run(seq, 'now', 'system', 'x', 'ok', 'y'.repeat(12_000)));
  }
  // In WAL mode only a checkpoint writes the main file: its size says whether one ran.
  const mainFileBytes = (db: TillDatabase) => statSync(db.path).size;

  it('no commit checkpoints (well past SQLite’s default 1,000 pages); the next turn of the event loop does', async () => {
    const runs: CheckpointRun[] = [];
    const db = open(join(dir, 'till.db'), { onCheckpoint: (run) => runs.push(run) });
    await nextTurn();
    const before = mainFileBytes(db);
    commitPages(db, 400);
    expect(mainFileBytes(db)).toBe(before);
    expect(runs).toEqual([]);
    await nextTurn();
    expect(runs).toEqual([expect.objectContaining({ ok: true })]);
    const run = runs[0] as Extract<CheckpointRun, { ok: true }>;
    expect(run.walFrames).toBeGreaterThan(1_000);
    expect(run.copiedFrames).toBe(run.walFrames);
    expect(mainFileBytes(db)).toBeGreaterThan(before + 400 * 12_000);
  });

  it('while checkpoints are held (wal_autocheckpoint = 0, the integrity check at start) none runs', async () => {
    const runs: CheckpointRun[] = [];
    const db = open(join(dir, 'till.db'), { onCheckpoint: (run) => runs.push(run) });
    db.sql.pragma('wal_autocheckpoint = 0');
    const before = mainFileBytes(db);
    commitPages(db, 150);
    await nextTurn();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(runs).toEqual([]);
    expect(mainFileBytes(db)).toBe(before);
  });

  it('a checkpoint that finds the disk full loses nothing: every commit is there once space is freed', async () => {
    const disk = mountSmallDisk(8 * 1024 * 1024);
    try {
      // A real full file system, so that the main file is refused its growth (CI runs as root: a tmpfs).
      expect(disk.kind).toBe('tmpfs');
      const path = join(disk.dir, 'till.db');
      const runs: CheckpointRun[] = [];
      const db = openTillDatabase(path, { onCheckpoint: (run) => runs.push(run) });
      commitPages(db, 150);
      disk.fill();
      await nextTurn();
      expect(runs).toEqual([expect.objectContaining({ ok: false })]);
      expect(db.sql.prepare('SELECT count(*) AS n FROM audit_log').get()).toEqual({ n: 150 });
      try {
        db.close(); // its own checkpoint at close fails too
      } catch {
        // what matters is what the files hold
      }
      disk.free();
      const again = openTillDatabase(path);
      try {
        expect(again.check('quick')).toEqual({ ok: true });
        expect(again.sql.prepare('SELECT count(*) AS n FROM audit_log').get()).toEqual({ n: 150 });
      } finally {
        again.close();
      }
    } finally {
      disk.free();
      disk.dispose();
    }
  });
});

describe('storage faults become one typed family', () => {
  it.each([
    ['ENOSPC', 'storage_full'],
    ['EDQUOT', 'storage_full'],
    ['EROFS', 'storage_read_only'],
    ['EACCES', 'storage_read_only'],
    ['EIO', 'storage_io'],
    ['SQLITE_FULL', 'storage_full'],
    ['SQLITE_IOERR_WRITE', 'storage_io'],
    ['SQLITE_IOERR_FSYNC', 'storage_io'],
    ['SQLITE_CORRUPT', 'storage_corrupt'],
    ['SQLITE_NOTADB', 'storage_corrupt'],
    ['SQLITE_READONLY', 'storage_read_only'],
    ['SQLITE_READONLY_DBMOVED', 'storage_read_only'],
  ])('%s → %s', (code, family) => {
    const error = Object.assign(new Error(`failed: ${code}`), { code });
    expect(storageErrorOf(error)?.code).toBe(family);
    expect(storageErrorOf(error)?.cause_code).toBe(code);
  });

  it('other errors are not storage faults', () => {
    expect(storageErrorOf(Object.assign(new Error('x'), { code: 'SQLITE_CONSTRAINT_PRIMARYKEY' }))).toBeNull();
    expect(storageErrorOf(Object.assign(new Error('x'), { code: 'ENOENT' }))).toBeNull();
    expect(storageErrorOf(new TypeError('x'))).toBeNull();
  });
});

describe('numbered migrations on user_version', () => {
  const tables = (db: TillDatabase) =>
    (
      db.sql.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as Array<{
        name: string;
      }>
    ).map((row) => row.name);

  it('a new database is brought to the latest version, and reopening runs nothing again', () => {
    const db = open();
    expect(db.openedAtVersion).toBe(0);
    expect(db.sql.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    expect(tables(db)).toEqual(expect.arrayContaining(['meta', 'operators', 'pin_attempts', 'audit_log']));
    db.close();
    const again = open();
    expect(again.openedAtVersion).toBe(SCHEMA_VERSION);
  });

  it('runs only the steps a database still needs, in order', () => {
    const ran: number[] = [];
    const steps: Migration[] = [0, 1, 2].map((n) => (sql) => {
      ran.push(n);
      sql.exec(`CREATE TABLE t${n} (x INTEGER) STRICT`);
    });
    open(join(dir, 'a.db'), { migrations: steps.slice(0, 2) }).close();
    expect(ran).toEqual([0, 1]);
    const db = open(join(dir, 'a.db'), { migrations: steps });
    expect(ran).toEqual([0, 1, 2]);
    expect(db.openedAtVersion).toBe(2);
    expect(db.sql.pragma('user_version', { simple: true })).toBe(3);
  });

  it('a failing step leaves the database at the version before it, untouched by that step', () => {
    const steps: Migration[] = [
      (sql) => sql.exec('CREATE TABLE good (x INTEGER) STRICT'),
      (sql) => {
        sql.exec('CREATE TABLE half (x INTEGER) STRICT');
        throw new Error('step 2 failed');
      },
    ];
    expect(() => open(join(dir, 'b.db'), { migrations: steps })).toThrow('step 2 failed');
    const raw = new Database(join(dir, 'b.db'));
    try {
      expect(raw.pragma('user_version', { simple: true })).toBe(1);
      expect(raw.prepare("SELECT name FROM sqlite_master WHERE name = 'half'").get()).toBeUndefined();
    } finally {
      raw.close();
    }
  });

  it('2 → 3: sales stored before it get their ticket search keys and purge time; the after-sale tables exist', () => {
    const path = join(dir, 'v2.db');
    const v2 = open(path, { migrations: MIGRATIONS.slice(0, 2) });
    const insert = v2.sql.prepare(
      `INSERT INTO sales (id, realm, archived, step, created_at, updated_at, ticket_number, record)
       VALUES (?, 'live', 1, 'done', '2026-10-01T10:00:00.000Z', '2026-10-01T10:00:00.000Z', ?, ?)`,
    );
    insert.run('kept', 'Tienda1-01-000042', JSON.stringify({ timeline: [{ at: 't0', event: 'sale_created' }] }));
    insert.run(
      'purged',
      null,
      JSON.stringify({ timeline: [{ at: '2026-11-01T00:00:00.000Z', event: 'personal_data_purged' }] }),
    );
    v2.close();
    const db = open(path);
    expect(db.openedAtVersion).toBe(2);
    expect(db.sql.prepare('SELECT id, ticket_key, ticket_tail, purged_at FROM sales ORDER BY id').all()).toEqual([
      { id: 'kept', ticket_key: 'tienda1-01-000042', ticket_tail: '240000-10-1adneit', purged_at: null },
      { id: 'purged', ticket_key: null, ticket_tail: null, purged_at: '2026-11-01T00:00:00.000Z' },
    ]);
    expect(tables(db)).toEqual(expect.arrayContaining(['after_sale_intents', 'day_closes']));
  });

  it('a database from a newer version of the app is refused with a typed error and not modified', () => {
    const path = join(dir, 'c.db');
    const raw = new Database(path);
    raw.pragma(`user_version = ${MIGRATIONS.length + 5}`);
    raw.close();
    const before = readFileSync(path);
    expect(() => open(path)).toThrow(expect.objectContaining({ code: 'storage_newer_version' }));
    expect(readFileSync(path).equals(before)).toBe(true);
  });
});
