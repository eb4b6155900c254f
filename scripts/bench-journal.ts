// `npm run bench:journal -- [--writes 2000] [--stored 5000] [--drain 200]`: persistence numbers for
// docs/benchmarks.md, all on real files (conf, atomic write + fsync) and real loopback HTTP:
//  1. journal step write latency p50/p99: one sale's step change written to journal.json, with a few other
//     sales active, using a real sale record the core produced;
//  2. archiving a finished sale into a month file that already holds a month of sales;
//  3. start-up with 5,000 stored sales (history + active): createCore + start, median of several starts;
//  4. outbox drain: N sales confirmed while SeQura is partitioned (confirmation queued), then the partition
//     ends: time until every confirmation and handover has reached SeQura.
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { Core } from '../electron/core/app-core.ts';
import { SaleHistory } from '../electron/core/journal/history.ts';
import { EMPTY_JOURNAL, SaleJournal, type JournalFile } from '../electron/core/journal/journal.ts';
import { startSandbox, type RunningSandbox } from '../sandbox/index.ts';
import { createConfStore } from '../electron/core/storage/conf-store.ts';
import { storeSpecFor } from '../electron/core/storage/store-specs.ts';
import { versionedStoreFactory } from '../electron/core/storage/versioned-store.ts';
import type { SaleRecord } from '../shared/sale/sale-record.ts';
import { percentile } from '../tests/crash/random.ts';
import { CART, SHOPPER, call, setFaults, shopper, startCore, waitFor } from '../tests/support/till.ts';

const { values } = parseArgs({
  options: {
    writes: { type: 'string', default: '2000' },
    stored: { type: 'string', default: '5000' },
    /** Backlog sizes to drain, comma-separated. */
    drain: { type: 'string', default: '10,50,200' },
    starts: { type: 'string', default: '7' },
  },
});

const root = mkdtempSync(join(tmpdir(), 'sequra-pos-bench-'));
const createStore = versionedStoreFactory(createConfStore, { specFor: storeSpecFor });
const ms = (n: number | null) => (n === null ? 'n/a' : `${n.toFixed(2)} ms`);
const lines: string[] = [];
function report(line: string): void {
  lines.push(line);
  console.log(line);
}

function timeIt(fn: () => void): number {
  const started = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - started) / 1e6;
}

async function sellToAwaitingApproval(core: Core, sandbox: RunningSandbox): Promise<SaleRecord> {
  const created = await call<SaleRecord>(core, 'sale.create');
  await call(core, 'sale.saveDraft', { saleId: created.id, stage: 'shopper', cart: CART, shopper: SHOPPER });
  await call(core, 'sale.start', { saleId: created.id });
  const sent = await call<SaleRecord>(core, 'sale.sendSms', { saleId: created.id, product: 'pp3', campaign: null });
  await shopper(sandbox, sent.solicitation!.uuid, 'approve');
  return sent;
}

/** 4. Outbox drain; also yields real sale records for the other measurements. */
async function drainBench(sandbox: RunningSandbox, count: number): Promise<SaleRecord[]> {
  const dataDir = join(root, `drain-${count}`);
  // Each size is a fresh till: a fresh SeQura too, or its ticket numbers would collide with the previous run's.
  await fetch(`${sandbox.baseUrl}/__sandbox/reset`, { method: 'POST' });
  const core = await startCore({ dataDir, sandbox });
  const ids: string[] = [];
  // Approved at SeQura first; then SeQura becomes unreachable and every confirmation goes to the outbox.
  const approved: SaleRecord[] = [];
  for (let i = 0; i < count; i += 1) {
    const sale = await sellToAwaitingApproval(core, sandbox);
    approved.push(sale);
    await call(core, 'sale.cancel', { saleId: sale.id }).catch(() => {});
    // (The cashier moves on; the sale is reopened below for its confirmation.)
  }
  await core.stop();
  // Reopen with a fresh journal holding the approved sales as "awaiting approval", as if they were sold on
  // several tills' worth of cashiers in a row.
  const journalPath = join(dataDir, 'journal.json');
  const journal: JournalFile = {
    ...EMPTY_JOURNAL,
    ticketSequence: 0,
    sales: Object.fromEntries(approved.map((s) => [s.id, s])),
  };
  writeFileSync(journalPath, JSON.stringify(journal));
  rmSync(join(dataDir, 'history'), { recursive: true, force: true });
  const again = await startCore({ dataDir, sandbox });
  await setFaults(sandbox, { partition_s: 600 });
  for (const sale of approved) {
    await call(again, 'sale.confirm', { saleId: sale.id });
    ids.push(sale.id);
  }
  const queued = again.pendingWork().open;
  const ended = Date.now();
  await setFaults(sandbox, null);
  await waitFor(
    () => again.pendingWork().open,
    (open) => open === 0,
    120_000,
  );
  const drainMs = Date.now() - ended;
  const done = await waitFor(
    () => {
      const all = readAllSales(dataDir);
      return ids.map((id) => all.get(id));
    },
    (list) => list.every((s) => s?.step === 'done'),
    30_000,
  );
  await again.stop();
  report(
    `outbox drain: ${queued} confirmations queued during a partition → all ${count} confirmed and handed over ${drainMs} ms after it ended (${((2 * count) / (drainMs / 1000)).toFixed(0)} instructions/s, probe interval 1 s while unreachable)`,
  );
  return done.filter((s): s is SaleRecord => !!s);
}

function readAllSales(dataDir: string): Map<string, SaleRecord> {
  const all = new Map<string, SaleRecord>();
  const history = new SaleHistory(createConfStore, dataDir);
  for (const month of history.months()) for (const sale of history.salesOf(month)) all.set(sale.id, sale);
  const journal = createConfStore<JournalFile>({ name: 'journal', cwd: dataDir, defaults: EMPTY_JOURNAL });
  for (const sale of Object.values(journal.get('sales'))) all.set(sale.id, sale);
  return all;
}

/** 1. Journal step writes with a few other sales active. */
function journalWriteBench(template: SaleRecord, writes: number): void {
  const dir = join(root, 'journal-writes');
  mkdirSync(dir, { recursive: true });
  const journal = new SaleJournal(
    createStore<JournalFile>({ name: 'journal', cwd: dir, defaults: EMPTY_JOURNAL }),
    new SaleHistory(createStore, dir),
  );
  for (let i = 0; i < 4; i += 1) journal.put({ ...template, id: `other-${i}` });
  const steps = ['choose_product', 'sending_sms', 'awaiting_approval', 'confirming', 'handing_over'] as const;
  let sale: SaleRecord = { ...template, id: 'bench-sale' };
  const samples: number[] = [];
  for (let i = 0; i < writes; i += 1) {
    const now = new Date().toISOString();
    sale = {
      ...sale,
      step: steps[i % steps.length]!,
      updatedAt: now,
      timeline: [...sale.timeline.slice(-30), { at: now, event: 'bench_step', operator: 'CAJERO' }],
    };
    const next = sale;
    samples.push(timeIt(() => journal.put(next)));
  }
  const size = statSync(join(dir, 'journal.json')).size;
  report(
    `journal step write (${writes} writes, 5 active sales, journal.json ${(size / 1024).toFixed(1)} KiB, atomic write + fsync): p50 ${ms(percentile(samples, 50))}, p99 ${ms(percentile(samples, 99))}, max ${ms(Math.max(...samples))}`,
  );
}

function historySales(template: SaleRecord, count: number): SaleRecord[] {
  const now = Date.now();
  // Spread over the last 85 days (inside the default 90-day retention, so start-up keeps them all).
  return Array.from({ length: count }, (_, i) => {
    const at = new Date(now - Math.floor((i / count) * 85 * 86_400_000)).toISOString();
    return {
      ...template,
      id: `stored-${i}`,
      createdAt: at,
      updatedAt: at,
      finishedAt: at,
      ticketNumber: `TIENDA-01-03-${String(i + 1).padStart(6, '0')}`,
    };
  });
}

/** 2. Archiving into a month file that already holds a month of sales. */
function archiveBench(template: SaleRecord, perMonth: number): void {
  const dir = join(root, 'archive');
  mkdirSync(dir, { recursive: true });
  const month = new Date().toISOString().slice(0, 7);
  const existing = historySales(template, perMonth).map((s) => ({ ...s, createdAt: `${month}-01T10:00:00.000Z` }));
  mkdirSync(join(dir, 'history'), { recursive: true });
  writeFileSync(
    join(dir, 'history', `history-${month}.json`),
    JSON.stringify({ schemaVersion: 1, sales: Object.fromEntries(existing.map((s) => [s.id, s])) }),
  );
  const history = new SaleHistory(createStore, dir);
  const samples: number[] = [];
  for (let i = 0; i < 30; i += 1)
    samples.push(
      timeIt(() => history.add({ ...template, id: `archived-${i}`, createdAt: `${month}-02T10:00:00.000Z` })),
    );
  const size = statSync(join(dir, 'history', `history-${month}.json`)).size;
  report(
    `archive a finished sale into a month file of ${perMonth} sales (${(size / 1024 / 1024).toFixed(1)} MiB): p50 ${ms(percentile(samples, 50))}, p99 ${ms(percentile(samples, 99))}`,
  );
}

/** 3. Start-up with `stored` sales: history files plus 20 active ones. */
async function startupBench(
  sandbox: RunningSandbox,
  template: SaleRecord,
  stored: number,
  starts: number,
): Promise<void> {
  const dataDir = join(root, 'startup');
  mkdirSync(join(dataDir, 'history'), { recursive: true });
  const activeCount = 20;
  const finished = historySales(template, stored - activeCount);
  const byMonth = new Map<string, Record<string, SaleRecord>>();
  for (const sale of finished)
    byMonth.set(sale.createdAt.slice(0, 7), { ...byMonth.get(sale.createdAt.slice(0, 7)), [sale.id]: sale });
  for (const [month, sales] of byMonth)
    writeFileSync(
      join(dataDir, 'history', `history-${month}.json`),
      JSON.stringify({ schemaVersion: 1, sales }, null, '\t'),
    );
  const active = Array.from({ length: activeCount }, (_, i) => ({
    ...template,
    id: `active-${i}`,
    step: 'awaiting_approval' as const,
  }));
  writeFileSync(
    join(dataDir, 'journal.json'),
    JSON.stringify(
      {
        ...EMPTY_JOURNAL,
        ticketSequence: stored,
        currentSaleId: 'active-0',
        sales: Object.fromEntries(active.map((s) => [s.id, s])),
      },
      null,
      '\t',
    ),
  );
  const samples: number[] = [];
  for (let i = 0; i < starts; i += 1) {
    const started = process.hrtime.bigint();
    const core = await startCore({ dataDir, sandbox, signIn: false });
    samples.push(Number(process.hrtime.bigint() - started) / 1e6);
    await core.stop();
  }
  const historyBytes = [...byMonth.keys()].reduce(
    (sum, month) => sum + statSync(join(dataDir, 'history', `history-${month}.json`)).size,
    0,
  );
  report(
    `start-up with ${stored} stored sales (${stored - activeCount} in ${byMonth.size} history files, ${(historyBytes / 1024 / 1024).toFixed(1)} MiB; ${activeCount} active): createCore + start median ${ms(percentile(samples, 50))}, max ${ms(Math.max(...samples))} over ${starts} starts`,
  );
}

const sandbox = await startSandbox({
  port: 0,
  quiet: true,
  reviewDelayMs: 20,
  smsLimit: 50,
  requestLogLimit: 1_000_000,
});
try {
  console.log(`bench:journal on ${process.platform} ${process.arch}, Node ${process.version}, data in ${root}`);
  let template: SaleRecord | undefined;
  for (const size of values.drain.split(',').map(Number)) {
    const sales = await drainBench(sandbox, size);
    template ??= sales[0];
  }
  if (!template) throw new Error('no sale record to use as a template');
  report(`(a realistic finished sale record is ${(JSON.stringify(template).length / 1024).toFixed(1)} KiB of JSON)`);
  journalWriteBench(template, Number(values.writes));
  archiveBench(template, Math.round(Number(values.stored) / 3));
  await startupBench(sandbox, template, Number(values.stored), Number(values.starts));
} finally {
  await sandbox.close();
  rmSync(root, { recursive: true, force: true });
}
