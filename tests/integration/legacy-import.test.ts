// A data folder written by version 0.1.0 (tests/fixtures/legacy-data-0.1.0, produced by that version's code:
// scripts/make-legacy-fixture.ts) is carried into the database at the first start of this version,
// verified, and its files kept aside.
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Core } from '../../electron/core/app-core.ts';
import { startSandbox, type RunningSandbox } from '../../sandbox/index.ts';
import type { OperatorView } from '../../shared/ipc/admin-schemas.ts';
import type { TillStatus } from '../../shared/ipc/status-schemas.ts';
import {
  auditChainReport,
  auditLines,
  call,
  callError,
  makeDataDir,
  removeDir,
  startCore,
  storedOutboxText,
  storedSales,
  TEST_MANAGER,
  withTillDatabase,
  whenTillWorkStarted,
} from '../support/till.ts';

const FIXTURE = join(process.cwd(), 'tests', 'fixtures', 'legacy-data-0.1.0');
let sandbox: RunningSandbox;
let core: Core | null = null;
let dataDir: string;

beforeAll(async () => {
  sandbox = await startSandbox({ port: 0, quiet: true });
});
afterAll(async () => {
  await sandbox.close();
});
beforeEach(() => {
  dataDir = makeDataDir('sequra-pos-legacy-');
  cpSync(FIXTURE, dataDir, { recursive: true });
});
afterEach(async () => {
  await core?.stop();
  core = null;
  removeDir(dataDir);
});

const fixtureText = (file: string) => readFileSync(join(FIXTURE, file), 'utf8');
const fixtureAuditLines = () =>
  readdirSync(join(FIXTURE, 'audit'))
    .sort()
    .flatMap((f) => fixtureText(join('audit', f)).split('\n'))
    .filter((l) => l.trim() !== '');

describe('importing a 0.1.0 data folder: operators, PIN attempts, audit log', () => {
  it('operators sign in with their PINs, wrong-PIN counters carry on, the audit chain continues', async () => {
    core = await startCore({ dataDir, sandbox, signIn: false });
    const status = await call<TillStatus>(core, 'app.getStatus');
    expect(status.setup).toMatchObject({ managerExists: true, operatorsLost: false });
    // The fixture's manager and cashier, with the PIN hashes of the old file.
    await call(core, 'session.signIn', { operatorId: TEST_MANAGER.id, pin: TEST_MANAGER.pin });
    await call(core, 'session.elevate', { managerPin: TEST_MANAGER.pin });
    const { operators } = await call<{ operators: OperatorView[] }>(core, 'operators.list');
    expect(operators.map((o) => [o.id, o.role])).toEqual([
      ['C2', 'cashier'],
      ['T900', 'manager'],
    ]);
    await call(core, 'session.lock');
    // C2 had one wrong PIN in the old file: the next one leaves 3 attempts, not 4.
    expect(await callError(core, 'session.signIn', { operatorId: 'C2', pin: '000111' })).toMatchObject({
      fields: { pin: 'wrong', attemptsLeft: '3' },
    });
    await call(core, 'session.signIn', { operatorId: 'C2', pin: '730561' });

    const old = fixtureAuditLines();
    const lines = auditLines(dataDir);
    // Every old line byte for byte, then the new entries, the first of which seals the old SHA-256 chain under
    // the till key; the whole chain verifies.
    expect(lines.slice(0, old.length)).toEqual(old);
    expect(lines.length).toBeGreaterThan(old.length);
    expect(auditChainReport(dataDir)).toMatchObject({ ok: true, brokenAt: null, unverifiable: 0 });
    expect(JSON.parse(lines[old.length]!)).toMatchObject({ seq: old.length + 1, action: 'audit.chain_keyed' });

    // The old files are kept aside, untouched, and are not read again.
    const aside = join(dataDir, 'before-database');
    expect(readFileSync(join(aside, 'operators.json'), 'utf8')).toBe(fixtureText('operators.json'));
    expect(readFileSync(join(aside, 'pin-attempts.json'), 'utf8')).toBe(fixtureText('pin-attempts.json'));
    expect(existsSync(join(dataDir, 'operators.json'))).toBe(false);
    expect(existsSync(join(dataDir, 'audit', 'audit-2026-12.jsonl'))).toBe(false);
    await core.stop();
    core = await startCore({ dataDir, sandbox, signIn: false });
    expect(auditLines(dataDir).slice(0, old.length)).toEqual(old);
    expect(auditLines(dataDir).filter((l) => l === old[0])).toHaveLength(1);
  });

  it('an unreadable operators file never re-opens first-run manager creation; store IT can allow it once', async () => {
    writeFileSync(join(dataDir, 'operators.json'), fixtureText('operators.json').slice(0, 200));
    core = await startCore({ dataDir, sandbox, signIn: false });
    const status = await call<TillStatus>(core, 'app.getStatus');
    expect(status.setup).toMatchObject({ managerExists: false, operatorsLost: true });
    expect(
      await callError(core, 'operators.bootstrapManager', { id: 'X1', displayName: 'Intrusa', pin: '592817' }),
    ).toMatchObject({ code: 'conflict', fields: { operators: 'lost' } });
    // The damaged file is kept for IT.
    // (under the set-aside name the recovery screen lists).
    const kept = readdirSync(join(dataDir, 'before-database')).filter((f) => /^operators\.corrupt-.*\.json$/.test(f));
    expect(kept).toHaveLength(1);
    expect(readFileSync(join(dataDir, 'before-database', kept[0]!), 'utf8')).toHaveLength(200);
    expect((await call<TillStatus>(core, 'app.getStatus')).recovery?.files).toEqual(
      expect.arrayContaining([expect.objectContaining({ name: 'operators', reason: 'corrupt' })]),
    );

    // Store IT's permission file, next to the machine configuration (a folder only IT can write).
    writeFileSync(join(dataDir, 'allow-first-manager.txt'), 'ticket IT-4711\n');
    await call(core, 'operators.bootstrapManager', { id: 'M5', displayName: 'Encargada', pin: '592817' });
    expect((await call<TillStatus>(core, 'app.getStatus')).setup).toMatchObject({
      managerExists: true,
      operatorsLost: false,
    });
  });

  it('a database whose operators were emptied does not offer first-run again', async () => {
    core = await startCore({ dataDir, sandbox, signIn: false });
    await core.stop();
    core = null;
    const Database = (await import('better-sqlite3')).default;
    const raw = new Database(join(dataDir, 'till.db'));
    raw.prepare('DELETE FROM operators').run();
    raw.close();
    core = await startCore({ dataDir, sandbox, signIn: false });
    expect((await call<TillStatus>(core, 'app.getStatus')).setup).toMatchObject({
      managerExists: false,
      operatorsLost: true,
    });
    expect(
      await callError(core, 'operators.bootstrapManager', { id: 'X1', displayName: 'Intrusa', pin: '592817' }),
    ).toMatchObject({ code: 'conflict' });
  });

  it('sales: the journal (current sale, ticket sequence), the queued confirmation and the history come along', async () => {
    core = await startCore({ dataDir, sandbox, signIn: false });
    const journal = JSON.parse(fixtureText('journal.json'));
    const history = JSON.parse(fixtureText('history/history-2026-12.json'));
    const outbox = JSON.parse(fixtureText('outbox.json'));
    const stored = storedSales<{ id: string; step: string; ticketNumber: string | null }>(dataDir);
    expect(stored.map((s) => s.id).sort()).toEqual(
      [...Object.keys(journal.sales), ...Object.keys(history.sales)].sort(),
    );
    // The sale on screen is still the one on screen, at its step.
    await call(core, 'session.signIn', { operatorId: TEST_MANAGER.id, pin: TEST_MANAGER.pin });
    const current = await call<{ sale: { id: string; step: string } | null }>(core, 'sale.current');
    expect(current.sale).toMatchObject({ id: journal.currentSaleId, step: 'draft' });
    // The confirmation queued in the old outbox is in the new one, still waiting for SeQura.
    expect(storedOutboxText(dataDir)).toContain(Object.keys(outbox.instructions)[0]);
    const sequence = withTillDatabase(
      dataDir,
      (db) =>
        (
          db.prepare("SELECT ticket_sequence FROM sale_journal WHERE realm = 'live'").get() as {
            ticket_sequence: number;
          }
        ).ticket_sequence,
    );
    expect(sequence).toBe(journal.ticketSequence);
    expect(readFileSync(join(dataDir, 'before-database', 'journal.json'), 'utf8')).toBe(fixtureText('journal.json'));
    expect(existsSync(join(dataDir, 'journal.json'))).toBe(false);
  });

  it('after-sale intents and day closings (live and training) move into the database; the files are kept aside', async () => {
    // The files as the version before the database wrote them (schemaVersion 1), with content.
    const closings = (n: number) =>
      Array.from({ length: n }, (_, i) => ({
        closedAt: `2026-12-02T20:${String(i).padStart(2, '0')}:00.000Z`,
        pendingConfirmations: i % 2,
        netFinancedCents: 10_000 + i,
      }));
    const intents = {
      schemaVersion: 1,
      intents: {
        'sale-x-return-R1': { saleId: 'sale-x', kind: 'return', entryId: 'R1', at: '2026-12-02T10:00:00.000Z' },
        'sale-y-cancel-C1': { saleId: 'sale-y', kind: 'cancel', entryId: 'C1', at: '2026-12-02T11:00:00.000Z' },
      },
    };
    writeFileSync(join(dataDir, 'after-sale-intents.json'), JSON.stringify(intents));
    writeFileSync(
      join(dataDir, 'day-closes.json'),
      JSON.stringify({ schemaVersion: 1, closes: { '2026-12-01': closings(1), '2026-12-02': closings(2) } }),
    );
    mkdirSync(join(dataDir, 'training'), { recursive: true });
    writeFileSync(
      join(dataDir, 'training', 'day-closes.json'),
      JSON.stringify({ schemaVersion: 1, closes: { '2026-12-02': closings(3) } }),
    );

    core = await startCore({ dataDir, sandbox, signIn: false });
    const rows = withTillDatabase(dataDir, (db) => ({
      marks: db
        .prepare(
          "SELECT key, value FROM meta WHERE key LIKE 'imported:%-after-sale-intents' OR key LIKE 'imported:%-day-closes' ORDER BY key",
        )
        .all(),
      closes: db.prepare('SELECT realm, day, closed_at AS closedAt FROM day_closes ORDER BY seq').all(),
    }));
    // Both intents were imported (and then dropped at start: their sales are not in this till).
    expect(rows.marks).toEqual([
      { key: 'imported:live-after-sale-intents', value: '2' },
      { key: 'imported:live-day-closes', value: '3' },
      { key: 'imported:training-day-closes', value: '3' },
    ]);
    expect(rows.closes).toHaveLength(6);
    await call(core, 'session.signIn', { operatorId: TEST_MANAGER.id, pin: TEST_MANAGER.pin });
    const report = await call<{ closures: unknown[] }>(core, 'report.day', { date: '2026-12-02' });
    expect(report.closures).toEqual(closings(2));
    for (const file of ['after-sale-intents.json', 'day-closes.json', 'training/day-closes.json']) {
      expect(existsSync(join(dataDir, file))).toBe(false);
      expect(existsSync(join(dataDir, 'before-database', file))).toBe(true);
    }
  });

  it('retention reaches what is kept aside: old files and damaged databases are deleted once older than retentionDays', async () => {
    const now = { t: Date.now() };
    core = await startCore({ dataDir, sandbox, signIn: false, clock: () => new Date(now.t) });
    // Retention runs when the till starts its own work, once the start's integrity check has passed.
    await whenTillWorkStarted(dataDir, 1);
    await core.stop();
    expect(readFileSync(join(dataDir, 'before-database', 'journal.json'), 'utf8')).toContain('"sales"');
    // The shopper data in those files (the sales carried over) goes when retention says so: 90 days by default.
    now.t += 89 * 86_400_000;
    core = await startCore({ dataDir, sandbox, signIn: false, clock: () => new Date(now.t) });
    await whenTillWorkStarted(dataDir, 2);
    await core.stop();
    expect(existsSync(join(dataDir, 'before-database', 'journal.json'))).toBe(true);
    // A damaged database kept aside at a start (set-aside/till-db-<time>/) goes the same way.
    const keptAt = (msAgo: number) => new Date(now.t - msAgo).toISOString().replace(/[:.]/g, '-');
    const oldCopy = join(dataDir, 'set-aside', `till-db-${keptAt(92 * 86_400_000)}`);
    const recentCopy = join(dataDir, 'set-aside', `till-db-${keptAt(10 * 86_400_000)}`);
    for (const folder of [oldCopy, recentCopy]) {
      mkdirSync(folder, { recursive: true });
      writeFileSync(join(folder, 'till.db'), 'kept aside');
    }
    now.t += 2 * 86_400_000;
    core = await startCore({ dataDir, sandbox, signIn: false, clock: () => new Date(now.t) });
    await whenTillWorkStarted(dataDir, 3);
    expect(existsSync(join(dataDir, 'before-database'))).toBe(false);
    expect(existsSync(oldCopy)).toBe(false);
    expect(existsSync(join(recentCopy, 'till.db'))).toBe(true);
  });
});
