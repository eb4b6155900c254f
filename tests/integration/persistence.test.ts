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
  sandboxOrder,
  setFaults,
  shopper,
  startCore,
  tillConfigFor,
  waitFor,
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

async function sellOne(target: Core): Promise<SaleRecord> {
  const sale = await saleToAwaitingApproval(target);
  await shopper(sandbox, sale.solicitation!.uuid, 'approve');
  await call(target, 'sale.confirm', { saleId: sale.id });
  const done = await waitFor(
    async () => (await call<{ sale: SaleRecord }>(target, 'sale.current')).sale!,
    (s) => s.step === 'done',
    5_000,
  );
  await call(target, 'sale.close', { saleId: sale.id });
  return done;
}

describe('a corrupt or truncated file', () => {
  it('journal: set aside byte for byte, reported, the till keeps selling and ticket numbers never repeat', async () => {
    await open();
    const first = await sellOne(core!);
    expect(first.ticketNumber).toBe('TIENDA-01-03-000001');
    await core!.stop();
    core = null;
    // A power cut on a disk that lost the tail of the file: valid JSON up to a point, then nothing.
    const journalPath = join(dataDir, 'journal.json');
    const whole = readFileSync(journalPath, 'utf8').replace('"ticketSequence": 1', '"ticketSequence": 41');
    expect(whole).toContain('"ticketSequence": 41');
    const truncated = whole.slice(0, whole.length - 4);
    writeFileSync(journalPath, truncated);

    await open();
    const [setAside] = filesLike(dataDir, /^journal\.corrupt-.*\.json$/);
    expect(setAside).toBeTruthy();
    expect(readFileSync(join(dataDir, setAside!), 'utf8')).toBe(truncated);
    const notice = (await status()).recovery;
    expect(notice?.files).toEqual([
      expect.objectContaining({
        name: 'journal',
        reason: 'corrupt',
        setAsidePath: join(dataDir, setAside!),
        detail: expect.stringMatching(/not valid JSON/),
      }),
    ]);
    // The fresh journal continues the ticket numbers above everything readable (41 in the damaged text).
    expect(json(journalPath).ticketSequence).toBeGreaterThanOrEqual(41 + 100);
    const next = await sellOne(core!);
    expect(Number(next.ticketNumber!.split('-').at(-1))).toBeGreaterThan(41);
    expect((await sandboxOrder(sandbox, next.solicitation!.uuid)).state).toBe('shipped');
  });

  it('journal: shape checked too (valid JSON that is not a journal is set aside, not used)', async () => {
    writeFileSync(
      join(dataDir, 'journal.json'),
      JSON.stringify({ schemaVersion: 1, currentSaleId: null, ticketSequence: 'many', sales: {} }),
    );
    await open();
    expect((await status()).recovery?.files[0]).toMatchObject({
      name: 'journal',
      reason: 'corrupt',
      detail: expect.stringMatching(/ticketSequence/),
    });
    writeFileSync(join(dataDir, 'settings.json'), 'null');
    await restart();
    expect((await status()).recovery?.files.map((f) => f.name).sort()).toEqual(['journal', 'settings']);
  });

  it('outbox: set aside, and a confirmation that was queued in it is queued again from the journal', async () => {
    await open();
    const sale = await saleToAwaitingApproval(core!);
    await shopper(sandbox, sale.solicitation!.uuid, 'approve');
    await setFaults(sandbox, { match: 'PUT /orders', error_rate: 1 });
    expect((await call<SaleRecord>(core!, 'sale.confirm', { saleId: sale.id })).step).toBe('confirming');
    await core!.stop();
    core = null;
    writeFileSync(join(dataDir, 'outbox.json'), '{"schemaVersion": 2, "instructions": {"x": {"id": "x", "sal');
    await setFaults(sandbox, null);

    await open();
    expect((await status()).recovery?.files).toEqual([expect.objectContaining({ name: 'outbox', reason: 'corrupt' })]);
    await waitFor(
      async () => (await call<{ sale: SaleRecord }>(core!, 'sale.current')).sale!.step,
      (step) => step === 'done',
      5_000,
    );
    expect((await sandboxOrder(sandbox, sale.solicitation!.uuid)).confirmed_count).toBe(1);
  });

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

  it('history month: set aside when opened, the sale being archived is kept in a fresh file', async () => {
    await open();
    const month = new Date().toISOString().slice(0, 7);
    mkdirSync(join(dataDir, 'history'), { recursive: true });
    writeFileSync(join(dataDir, 'history', `history-${month}.json`), '{"schemaVersion": 1, "sales": {');
    const sold = await sellOne(core!);
    const history = json(join(dataDir, 'history', `history-${month}.json`));
    expect(Object.keys(history.sales)).toEqual([sold.id]);
    expect((await status()).recovery?.files).toEqual([
      expect.objectContaining({ name: `history-${month}`, reason: 'corrupt' }),
    ]);
    expect(filesLike(join(dataDir, 'history'), new RegExp(`^history-${month}\\.corrupt-`))).toHaveLength(1);
  });

  it('removes temp files an interrupted atomic write left behind, and keeps the real file', async () => {
    await open();
    const sale = await saleToAwaitingApproval(core!);
    await core!.stop();
    core = null;
    writeFileSync(join(dataDir, 'journal.json.tmp-1234567890abcdef'), '{"half": ');
    await open();
    expect(filesLike(dataDir, /\.tmp-/)).toEqual([]);
    expect((await call<{ sale: SaleRecord }>(core!, 'sale.current')).sale!.id).toBe(sale.id);
    expect((await status()).recovery ?? null).toBeNull();
  });
});

describe('schema versions', () => {
  it('migrates a v1 outbox (re-saved as v2, the original kept as a backup) and the queued work still lands', async () => {
    await open();
    const sale = await saleToAwaitingApproval(core!);
    await shopper(sandbox, sale.solicitation!.uuid, 'approve');
    await setFaults(sandbox, { match: 'PUT /orders', error_rate: 1 });
    await call(core!, 'sale.confirm', { saleId: sale.id });
    await core!.stop();
    core = null;
    // Rewrite it as the previous release wrote it: schemaVersion 1, no `outcome`, plus a refused instruction.
    const outboxPath = join(dataDir, 'outbox.json');
    const v2 = json(outboxPath);
    const v1Instructions: Record<string, unknown> = {};
    for (const [id, instruction] of Object.entries(v2.instructions as Record<string, Record<string, unknown>>)) {
      const { outcome: _outcome, ...rest } = instruction;
      v1Instructions[id] = rest;
    }
    const refused = {
      ...(Object.values(v1Instructions)[0] as object),
      id: 'other-001-confirm',
      saleId: 'other',
      state: 'needs_attention',
      lastErrorCode: 'conflict',
      lastError: 'SeQura said no',
    };
    v1Instructions[refused.id] = refused;
    const v1Text = JSON.stringify({ schemaVersion: 1, instructions: v1Instructions }, null, '\t');
    writeFileSync(outboxPath, v1Text);
    await setFaults(sandbox, null);

    await open();
    const migrated = json(outboxPath);
    expect(migrated.schemaVersion).toBe(2);
    expect(migrated.instructions['other-001-confirm']).toMatchObject({
      state: 'needs_attention',
      outcome: { kind: 'refused', code: 'conflict', reasons: ['SeQura said no'] },
    });
    const [backup] = filesLike(dataDir, /^outbox\.v1-backup-.*\.json$/);
    expect(readFileSync(join(dataDir, backup!), 'utf8')).toBe(v1Text);
    expect((await status()).recovery ?? null).toBeNull();
    await waitFor(
      async () => (await call<{ sale: SaleRecord }>(core!, 'sale.current')).sale!.step,
      (step) => step === 'done',
      5_000,
    );
    expect((await sandboxOrder(sandbox, sale.solicitation!.uuid)).confirmed_count).toBe(1);
  });

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

  it('refuses a file from a newer version: set aside untouched, reported, never overwritten', async () => {
    const newer = JSON.stringify({
      schemaVersion: 7,
      currentSaleId: 'x',
      ticketSequence: 9,
      sales: {},
      somethingNew: [1, 2, 3],
    });
    writeFileSync(join(dataDir, 'journal.json'), newer);
    await open();
    const [setAside] = filesLike(dataDir, /^journal\.newer-v7-.*\.json$/);
    expect(readFileSync(join(dataDir, setAside!), 'utf8')).toBe(newer);
    expect((await status()).recovery?.files).toEqual([
      expect.objectContaining({ name: 'journal', reason: 'newer_version' }),
    ]);
    expect(json(join(dataDir, 'journal.json')).schemaVersion).toBe(1);
    // The newer file's ticket counter is honoured too (it may have sold with those numbers).
    expect(json(join(dataDir, 'journal.json')).ticketSequence).toBeGreaterThanOrEqual(9 + 100);
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

  function historyIds(): string[] {
    return readdirSync(join(dataDir, 'history'))
      .filter((f) => /^history-\d{4}-\d{2}\.json$/.test(f))
      .flatMap((f) => Object.keys(json(join(dataDir, 'history', f)).sales))
      .sort();
  }

  it('removes finished sales older than retentionDays at start, keeps the rest, deletes emptied old months', async () => {
    writeHistory([
      historySale('1', 200 * day, 200 * day), // long gone
      historySale('2', 120 * day, 119 * day),
      historySale('3', 95 * day, 91 * day), // just past 90 days
      historySale('4', 95 * day, 80 * day), // created before the cutoff, finished after it: kept
      historySale('5', 30 * day, 30 * day),
      historySale('6', 1 * day, 1 * day),
    ]);
    const oldMonth = iso(200 * day).slice(0, 7);
    await open({ retentionDays: 90 });
    expect(historyIds()).toEqual(['4', '5', '6']);
    expect(existsSync(join(dataDir, 'history', `history-${oldMonth}.json`))).toBe(false);
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
