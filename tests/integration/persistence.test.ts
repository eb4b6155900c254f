import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Core } from '../../electron/core/app-core.ts';
import { JOURNAL_SPEC } from '../../electron/core/journal/migrations.ts';
import { OUTBOX_SPEC } from '../../electron/core/outbox/migrations.ts';
import { startSandbox, type RunningSandbox } from '../../sandbox/index.ts';
import { SETTINGS_SPEC } from '../../electron/core/settings/migrations.ts';
import { createConfStore } from '../../electron/core/storage/conf-store.ts';
import {
  migrate,
  prepareStoreFile,
  versionedStoreFactory,
  type StoreSpec,
} from '../../electron/core/storage/versioned-store.ts';
import type { TillStatus } from '../../shared/ipc/status-schemas.ts';
import type { SaleRecord } from '../../shared/sale/sale-record.ts';
import {
  CART,
  SHOPPER,
  call,
  makeDataDir,
  removeDir,
  setFaults,
  shopper,
  startCore,
  tillConfigFor,
  waitFor,
  withTillDatabase,
} from '../support/till.ts';

// Files that cannot be used are set aside and reported, never silently reset; older files are migrated by our
// own migrations; newer ones are refused without being touched; finished sales expire after retentionDays.
// All on real files with the real core (conf engine) against the sandbox.
let sandbox: RunningSandbox;
let dataDir: string;
let core: Core | null = null;

beforeAll(async () => {
  sandbox = await startSandbox({ port: 0, quiet: true, reviewDelayMs: 50, smsLimit: 10 });
});
afterAll(async () => {
  await sandbox.close();
});
beforeEach(async () => {
  await fetch(`${sandbox.baseUrl}/__sandbox/reset`, { method: 'POST' });
  dataDir = makeDataDir('sequra-pos-persist-');
});
afterEach(async () => {
  await core?.stop();
  core = null;
  await setFaults(sandbox, null);
  removeDir(dataDir);
});

async function open(config: Record<string, unknown> = {}): Promise<Core> {
  core = await startCore({ dataDir, sandbox, config: tillConfigFor(sandbox, config) });
  return core;
}

async function restart(): Promise<Core> {
  await core?.stop();
  core = null;
  return open();
}

const status = () => call<TillStatus>(core!, 'app.getStatus');
const json = (path: string) => JSON.parse(readFileSync(path, 'utf8'));
const filesLike = (dir: string, pattern: RegExp) => readdirSync(dir).filter((f) => pattern.test(f));

async function saleToAwaitingApproval(target: Core): Promise<SaleRecord> {
  const created = await call<SaleRecord>(target, 'sale.create');
  await call(target, 'sale.saveDraft', { saleId: created.id, stage: 'shopper', cart: CART, shopper: SHOPPER });
  await call(target, 'sale.start', { saleId: created.id });
  return call<SaleRecord>(target, 'sale.sendSms', { saleId: created.id, product: 'pp3', campaign: null });
}

describe('a corrupt or truncated file', () => {
  it('settings: set aside, defaults used, and the notice survives restarts until acknowledged', async () => {
    await open();
    await call(core!, 'app.setLanguage', { language: 'en' });
    await core!.stop();
    core = null;
    writeFileSync(join(dataDir, 'settings.json'), '\u0000\u0000\u0000\u0000');
    await open();
    const first = await status();
    expect(first.language).toBe('es');
    expect(first.recovery?.files).toEqual([expect.objectContaining({ name: 'settings', reason: 'corrupt' })]);
    // Not acknowledged: a restart shows it again (rebuilt from the set-aside file, detail no longer known).
    await restart();
    expect((await status()).recovery?.files).toEqual([
      expect.objectContaining({ name: 'settings', reason: 'corrupt', detail: null }),
    ]);
    const acknowledged = await call<TillStatus>(core!, 'app.acknowledgeRecovery');
    expect(acknowledged.recovery ?? null).toBeNull();
    await restart();
    expect((await status()).recovery ?? null).toBeNull();
    // Acknowledging hides the notice; the file itself is kept.
    expect(filesLike(dataDir, /^settings\.corrupt-.*\.json$/)).toHaveLength(1);
  });
});

describe('schema versions', () => {
  it('migrates v1 settings to v3 keeping the language', async () => {
    writeFileSync(join(dataDir, 'settings.json'), JSON.stringify({ schemaVersion: 1, language: 'en' }));
    await open();
    expect((await status()).language).toBe('en');
    expect(json(join(dataDir, 'settings.json'))).toEqual({
      schemaVersion: 3,
      language: 'en',
      acknowledgedRecoveries: [],
      operatorLanguages: {},
    });
  });

  it('runs a migration chain step by step and refuses gaps or a step that produces an invalid file', () => {
    const spec: StoreSpec = {
      currentVersion: 3,
      migrations: {
        1: (d) => ({ ...d, schemaVersion: 2, items: d.list ?? [], list: undefined }),
        2: (d) => ({ ...d, schemaVersion: 3, count: (d.items as unknown[]).length }),
      },
      validate: (d) => (typeof d.count === 'number' ? null : 'count missing'),
    };
    expect(migrate(spec, 1, { schemaVersion: 1, list: ['a', 'b'] })).toMatchObject({
      schemaVersion: 3,
      items: ['a', 'b'],
      count: 2,
    });
    expect(migrate(spec, 2, { schemaVersion: 2, items: [] })).toMatchObject({ count: 0 });
    expect(() => migrate({ ...spec, migrations: { 2: spec.migrations[2]! } }, 1, { schemaVersion: 1 })).toThrow(
      /no migration from schemaVersion 1/,
    );
    expect(() => migrate({ ...spec, validate: () => 'nope' }, 1, { schemaVersion: 1, list: [] })).toThrow(
      /not valid: nope/,
    );
    // A file whose migration fails is set aside as corrupt rather than half converted.
    const dir = makeDataDir('sequra-pos-migrate-');
    try {
      writeFileSync(join(dir, 'thing.json'), JSON.stringify({ schemaVersion: 1 }));
      const seen: string[] = [];
      const result = prepareStoreFile(
        { cwd: dir, name: 'thing' },
        { ...spec, migrations: {} },
        { onSetAside: (f) => seen.push(f.reason) },
      );
      expect(result.kind).toBe('corrupt');
      expect(seen).toEqual(['corrupt']);
      expect(existsSync(join(dir, 'thing.json'))).toBe(false);
    } finally {
      removeDir(dir);
    }
  });

  it('every store spec accepts what the app writes by default', () => {
    expect(JOURNAL_SPEC.validate({ schemaVersion: 1, currentSaleId: null, ticketSequence: 0, sales: {} })).toBeNull();
    expect(OUTBOX_SPEC.validate({ schemaVersion: 2, instructions: {} })).toBeNull();
    expect(
      SETTINGS_SPEC.validate({ schemaVersion: 3, language: null, acknowledgedRecoveries: [], operatorLanguages: {} }),
    ).toBeNull();
  });

  it('falls back to defaults (with a notice) if the engine itself refuses a file the checks let through', () => {
    const dir = makeDataDir('sequra-pos-engine-');
    try {
      writeFileSync(join(dir, 'other.json'), JSON.stringify({ fine: true }));
      let calls = 0;
      const seen: string[] = [];
      const factory = versionedStoreFactory(
        (options) => {
          calls += 1;
          if (calls === 1) throw new SyntaxError('engine says no');
          return createConfStore(options);
        },
        { specFor: () => null, onSetAside: (f) => seen.push(f.detail ?? '') },
      );
      const store = factory<{ fine: boolean }>({ name: 'other', cwd: dir, defaults: { fine: false } });
      expect(store.get('fine')).toBe(false);
      expect(seen[0]).toMatch(/engine says no/);
    } finally {
      removeDir(dir);
    }
  });
});

describe('retention', () => {
  const day = 86_400_000;
  const iso = (msAgo: number) => new Date(Date.now() - msAgo).toISOString();

  function historySale(id: string, createdAgo: number, finishedAgo: number): SaleRecord {
    return {
      id,
      step: 'done',
      createdAt: iso(createdAgo),
      updatedAt: iso(finishedAgo),
      finishedAt: iso(finishedAgo),
      ticketNumber: `TIENDA-01-03-${id.padStart(6, '0')}`,
      // Every sale 0.1.0 wrote has its timeline (the import reads the purge time from it).
      timeline: [],
    } as unknown as SaleRecord;
  }

  function writeHistory(sales: SaleRecord[]): void {
    const byMonth = new Map<string, Record<string, SaleRecord>>();
    for (const sale of sales) {
      const month = sale.createdAt.slice(0, 7);
      byMonth.set(month, { ...byMonth.get(month), [sale.id]: sale });
    }
    mkdirSync(join(dataDir, 'history'), { recursive: true });
    for (const [month, monthSales] of byMonth)
      writeFileSync(
        join(dataDir, 'history', `history-${month}.json`),
        JSON.stringify({ schemaVersion: 1, sales: monthSales }),
      );
  }

  // What the database holds (the history files written above were imported at start, as from 0.1.0).
  function historyIds(): string[] {
    return withTillDatabase(dataDir, (db) =>
      (db.prepare("SELECT id FROM sales WHERE realm = 'live' AND archived = 1").all() as Array<{ id: string }>)
        .map((row) => row.id)
        .sort(),
    );
  }

  it('removes finished sales older than retentionDays at start, keeps the rest', async () => {
    writeHistory([
      historySale('1', 200 * day, 200 * day), // long gone
      historySale('2', 120 * day, 119 * day),
      historySale('3', 95 * day, 91 * day), // just past 90 days
      historySale('4', 95 * day, 80 * day), // created before the cutoff, finished after it: kept
      historySale('5', 30 * day, 30 * day),
      historySale('6', 1 * day, 1 * day),
    ]);
    await open({ retentionDays: 90 });
    expect(historyIds()).toEqual(['4', '5', '6']);
  });

  it('follows the configured retentionDays', async () => {
    writeHistory([historySale('1', 40 * day, 40 * day), historySale('2', 20 * day, 20 * day)]);
    await open({ retentionDays: 30 });
    expect(historyIds()).toEqual(['2']);
  });
});

describe('quitting with work pending', () => {
  it('pendingWork() counts what is still to reach SeQura, what needs a person and what is queued', async () => {
    await open();
    expect(core!.pendingWork()).toEqual({ open: 0, oldestOpenAt: null, needsAttention: 0, queuedSales: 0 });
    const sale = await saleToAwaitingApproval(core!);
    await shopper(sandbox, sale.solicitation!.uuid, 'approve');
    await setFaults(sandbox, { match: 'PUT /orders', error_rate: 1 });
    await call(core!, 'sale.confirm', { saleId: sale.id });
    const pending = core!.pendingWork();
    expect(pending).toMatchObject({ open: 1, needsAttention: 0, queuedSales: 0 });
    expect(pending.oldestOpenAt).not.toBeNull();
    await setFaults(sandbox, null);
    const [item] = (await call<{ items: Array<{ id: string }> }>(core!, 'outbox.list')).items;
    await call(core!, 'outbox.retryNow', { instructionId: item!.id });
    await waitFor(
      () => core!.pendingWork().open,
      (n) => n === 0,
      5_000,
    );
  });
});
