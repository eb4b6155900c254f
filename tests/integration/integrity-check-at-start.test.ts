import { createHash } from 'node:crypto';
import { copyFileSync, cpSync, existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Core } from '../../electron/core/app-core.ts';
import { openTillDatabase } from '../../electron/core/db/database.ts';
import { quickCheckInWorker } from '../../electron/core/db/integrity-check.ts';
import { MIGRATIONS } from '../../electron/core/db/migrations.ts';
import { startSandbox, type RunningSandbox } from '../../sandbox/index.ts';
import type { TillStatus } from '../../shared/ipc/status-schemas.ts';
import type { SaleRecord } from '../../shared/sale/sale-record.ts';
import {
  TEST_MANAGER,
  approvedSale,
  call,
  damageWhereTheStartDoesNotRead,
  heldCheck,
  makeDataDir,
  removeDir,
  sandboxOrder,
  setFaults,
  startCore,
  waitFor,
  withTillDatabase,
} from '../support/till.ts';

// The integrity check of the till database (PRAGMA quick_check) reads the whole file: about a second at
// 100,000 stored sales. It runs beside the start, in a worker thread, and the till is usable for reading at
// once; until its verdict nothing that could make a damaged database worse happens: no call to SeQura, no
// write a cashier asks for. A failed verdict turns the running till into the database recovery screen, with the
// file kept aside untouched, as a failed start does.
let sandbox: RunningSandbox;
let dataDir: string;
let core: Core | null = null;

beforeAll(async () => {
  sandbox = await startSandbox({ port: 0, quiet: true });
});
afterAll(async () => {
  await sandbox.close();
});
beforeEach(async () => {
  await fetch(`${sandbox.baseUrl}/__sandbox/reset`, { method: 'POST' });
  await setFaults(sandbox, null);
  dataDir = makeDataDir();
});
afterEach(async () => {
  await core?.stop();
  core = null;
  removeDir(dataDir);
});

const dbPath = () => join(dataDir, 'till.db');
const sha = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');
const SIGN_IN = { operatorId: TEST_MANAGER.id, pin: TEST_MANAGER.pin };

/**
 * A live till whose last sale was approved by the shopper and confirmed by the cashier while SeQura did not
 * answer: its confirmation waits in the outbox, and the outbox sends it as soon as the till runs again.
 */
async function tillWithQueuedConfirmation(): Promise<{ uuid: string }> {
  core = await startCore({ dataDir, sandbox });
  const sale = await approvedSale(core, sandbox);
  await setFaults(sandbox, { match: 'PUT /orders', error_rate: 1 });
  expect((await call<SaleRecord>(core, 'sale.confirm', { saleId: sale.id })).step).toBe('confirming');
  await core.stop();
  core = null;
  await setFaults(sandbox, null);
  return { uuid: sale.solicitation!.uuid };
}

/** Global fetch, with every call the till makes (to SeQura: here the sandbox) noted. */
function recordingFetch(events: string[]): typeof fetch {
  return async (input, init) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    events.push(`${init?.method ?? 'GET'} ${new URL(url).pathname}`);
    return fetch(input, init);
  };
}

const isCall = (event: string) => /^(GET|POST|PUT|PATCH|DELETE) /.test(event);

/** Long enough for what an unheld start does at once: the outbox sends what it holds, the probe runs. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 600));

describe('the integrity check beside the start', () => {
  it('the till is up before the verdict; a cashier write and the outbox wait for it, and nothing reaches SeQura before it', async () => {
    const { uuid } = await tillWithQueuedConfirmation();
    const events: string[] = [];
    const check = heldCheck(events);

    core = await startCore({
      dataDir,
      sandbox,
      signIn: false,
      runQuickCheck: check.runner,
      fetch: recordingFetch(events),
    });
    events.push('core started');
    expect(check.runs).toBe(1);
    // What the first screen needs is answered at once.
    expect((await call<TillStatus>(core, 'app.getStatus')).database).toBeNull();
    // Signing in writes (the session, its audit line): it waits for the verdict.
    const signedIn = core.dispatch('session.signIn', SIGN_IN, true).then((result) => {
      events.push('signed in');
      return result;
    });
    await settle();
    expect(events).toEqual(['core started']);
    expect((await sandboxOrder(sandbox, uuid)).state).toBe('approved');

    check.release();
    expect((await signedIn).ok).toBe(true);
    // Then the queued confirmation goes by itself (and the order is handed over).
    await waitFor(
      async () => (await sandboxOrder(sandbox, uuid)).confirmed_count,
      (count) => count > 0,
    );
    expect(events.slice(0, 2)).toEqual(['core started', 'verdict ok']);
    expect(events.indexOf('signed in')).toBeGreaterThan(1);
    expect(events.findIndex(isCall)).toBeGreaterThan(1);
  });

  it('a failed verdict after the start: the database is kept aside untouched, the till turns to the recovery screen, nothing was sent', async () => {
    const { uuid } = await tillWithQueuedConfirmation();
    damageWhereTheStartDoesNotRead(dbPath());
    const damagedHash = sha(dbPath());
    const events: string[] = [];
    const check = heldCheck(events);

    core = await startCore({
      dataDir,
      sandbox,
      signIn: false,
      runQuickCheck: check.runner,
      fetch: recordingFetch(events),
    });
    const statuses: TillStatus[] = [];
    core.onEvent((event, payload) => {
      if (event === 'status.changed') statuses.push(payload as TillStatus);
    });
    // The damage is where the start does not read: the till came up as usual.
    expect((await call<TillStatus>(core, 'app.getStatus')).database).toBeNull();
    const signIn = core.dispatch('session.signIn', SIGN_IN, true);
    await settle();

    check.release();
    const refused = await signIn;
    expect(refused.ok).toBe(false);
    expect(!refused.ok && refused.error.code).toBe('storage_corrupt');
    // The screen is told, without a restart.
    expect(statuses.at(-1)?.database).toMatchObject({ kind: 'damaged' });
    const notice = (await call<TillStatus>(core, 'app.getStatus')).database!;
    expect(notice.detail).toMatch(/page|corrupt|malformed|damaged/i);
    expect(notice.keptAt).toMatch(/set-aside[\\/]till-db-\d{4}-/);
    // Moved untouched: the main file is byte for byte the damaged one, and nothing took its place.
    expect(sha(join(notice.keptAt!, 'till.db'))).toBe(damagedHash);
    expect(existsSync(dbPath())).toBe(false);
    // Nothing was sent: the queued confirmation is still only approved at SeQura.
    expect(events.filter(isCall)).toEqual([]);
    expect((await sandboxOrder(sandbox, uuid)).state).toBe('approved');

    // The next start knows a database existed here.
    await core.stop();
    core = await startCore({ dataDir, sandbox, signIn: false });
    expect((await call<TillStatus>(core, 'app.getStatus')).database).toMatchObject({ kind: 'missing' });
  });

  it('a database left with a -wal (the till was killed) and found damaged: nothing of the -wal is folded into it', async () => {
    await tillWithQueuedConfirmation();
    damageWhereTheStartDoesNotRead(dbPath());
    // The state a killed till leaves: committed steps still only in the -wal, never checkpointed.
    const killedDir = makeDataDir();
    try {
      const writer = new Database(dbPath());
      writer.pragma('wal_autocheckpoint = 0');
      writer.prepare('INSERT INTO filler (text) VALUES (?)').run('written just before the till was killed');
      cpSync(dataDir, killedDir, { recursive: true });
      writer.close();
      removeDir(dataDir);
      cpSync(killedDir, dataDir, { recursive: true });
    } finally {
      removeDir(killedDir);
    }
    expect(statSync(`${dbPath()}-wal`).size).toBeGreaterThan(0);
    const mainHash = sha(dbPath());
    const walHash = sha(`${dbPath()}-wal`);
    const events: string[] = [];
    const check = heldCheck(events);

    core = await startCore({ dataDir, sandbox, signIn: false, runQuickCheck: check.runner });
    check.release();
    const notice = await waitFor(
      async () => (await call<TillStatus>(core!, 'app.getStatus')).database,
      (database) => database !== null,
    );
    // Both files kept as they were found: the main file without the -wal's pages, the -wal beside it.
    expect(sha(join(notice!.keptAt!, 'till.db'))).toBe(mainHash);
    expect(sha(join(notice!.keptAt!, 'till.db-wal'))).toBe(walHash);
  });

  it('the real check in its worker thread finds damage the start does not read, without a restart', async () => {
    await tillWithQueuedConfirmation();
    damageWhereTheStartDoesNotRead(dbPath());
    const events: string[] = [];

    core = await startCore({ dataDir, sandbox, signIn: false, fetch: recordingFetch(events) });
    const notice = await waitFor(
      async () => (await call<TillStatus>(core!, 'app.getStatus')).database,
      (database) => database !== null,
    );
    expect(notice).toMatchObject({ kind: 'damaged' });
    expect(existsSync(join(notice!.keptAt!, 'till.db'))).toBe(true);
    expect(events.filter(isCall)).toEqual([]);
  });

  it('a sound database passes the real check and the till sells as before', async () => {
    const { uuid } = await tillWithQueuedConfirmation();
    core = await startCore({ dataDir, sandbox });
    await waitFor(
      async () => (await sandboxOrder(sandbox, uuid)).confirmed_count,
      (count) => count > 0,
    );
    await waitFor(
      async () => (await call<{ sale: SaleRecord | null }>(core!, 'sale.current')).sale?.step,
      (step) => step === 'done',
    );
    const log = readFileSync(join(dataDir, 'logs', 'sequra-pos.log'), 'utf8');
    expect(log).toMatch(/storage\.integrity_checked.*"ok":true/);
  });
});

describe('a database that needs a migration', () => {
  it('is checked before the start, as before: a migration never runs over a database not yet checked', async () => {
    // A database written by the previous version: every migration but the last.
    openTillDatabase(dbPath(), { migrations: MIGRATIONS.slice(0, -1) }).close();
    const events: string[] = [];
    const check = heldCheck(events);

    core = await startCore({ dataDir, sandbox, runQuickCheck: check.runner });
    // Checked on the start path (no check beside it), then migrated; the till works at once.
    expect(check.runs).toBe(0);
    expect(withTillDatabase(dataDir, (db) => db.pragma('user_version', { simple: true }))).toBe(MIGRATIONS.length);
    expect((await call<SaleRecord>(core, 'sale.create')).step).toBeDefined();
  });
});

describe('the check when its worker thread cannot run', () => {
  it('runs on the calling thread instead, and still tells a sound database from a damaged one', async () => {
    await tillWithQueuedConfirmation();
    const sound = join(dataDir, 'sound.db');
    copyFileSync(dbPath(), sound);
    damageWhereTheStartDoesNotRead(dbPath());
    const fallbacks: string[] = [];
    const run = quickCheckInWorker({
      bindingPath: join(dataDir, 'no-such-binding.js'),
      onFallback: (r) => fallbacks.push(r),
    });

    const soundCheck = run(sound);
    expect(await soundCheck.verdict).toEqual({ ok: true });
    await soundCheck.close();
    const damagedCheck = run(dbPath());
    const verdict = await damagedCheck.verdict;
    await damagedCheck.close();
    expect(verdict.ok).toBe(false);
    expect(fallbacks).toHaveLength(2);
  });
});
