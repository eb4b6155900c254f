// `npm run bench:storage -- [--stored 5000,100000] [--drain 200,1000]`: the till database's numbers for
// docs/benchmarks.md, on real files (SQLite, WAL, synchronous=FULL) and real loopback HTTP:
//  1. one step's write: the sale row, its outbox instruction and its audit entry in one transaction, p50/p99,
//     with N sales already stored;
//  2. closing a sale (archiving it into the history) with 100 stored sales and with N: late/early ratio;
//  3. start-up with N stored sales: createCore + start, median; when the integrity check (run beside the start)
//     gave its verdict, and when the first write (a sign-in, held until then) was answered;
//  4. history search (ticket, uuid, last 4 phone digits, a date range) through the IPC handler, median;
//  5. drain after a partition: K sales confirmed while SeQura is unreachable, then the partition ends: time
//     until every confirmation and handover has reached SeQura.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Core } from '../electron/core/app-core.ts';
import { AuditLog } from '../electron/core/audit/audit-log.ts';
import { openTillDatabase, type CheckpointRun, type TillDatabase } from '../electron/core/db/database.ts';
import { quickCheckInWorker, type QuickCheckRunner } from '../electron/core/db/integrity-check.ts';
import { deriveTillKeys, newTillKey } from '../electron/core/security/till-key.ts';
import { SaleJournal } from '../electron/core/journal/journal.ts';
import { saleRow, saleStatements } from '../electron/core/journal/sale-rows.ts';
import { purgeSale } from '../electron/core/privacy/purge.ts';
import { createOutboxStore } from '../electron/core/outbox/outbox-store.ts';
import type { Instruction } from '../electron/core/outbox/instruction.ts';
import { startSandbox, type RunningSandbox } from '../sandbox/index.ts';
import type { SaleRecord } from '../shared/sale/sale-record.ts';
import { percentile } from '../tests/crash/random.ts';
import {
  CART,
  SHOPPER,
  call,
  setFaults,
  shopper,
  startCore,
  waitFor,
  withTillDatabase,
} from '../tests/support/till.ts';
import { parseScriptArgs } from './script-args.ts';

const values = parseScriptArgs({
  command: 'npm run bench:storage --',
  summary:
    "The till database's numbers: step writes, closing a sale, start-up, history search, drain after a partition.",
  options: {
    stored: { type: 'string', default: '5000,100000', description: 'sales already stored, comma-separated sizes' },
    drain: { type: 'string', default: '200,1000', description: 'sales confirmed during a partition, comma-separated' },
    writes: { type: 'string', default: '2000', description: 'step writes timed per size' },
    starts: { type: 'string', default: '5', description: 'start-ups timed per size' },
  },
});

const root = mkdtempSync(join(tmpdir(), 'sequra-pos-bench-storage-'));
const DAY_MS = 86_400_000;
/** Closing a sale with 100 stored sales: the "early" cost the later sizes are compared with. */
let closeAt100: number | null = null;
const ms = (n: number | null) => (n === null ? 'n/a' : `${n.toFixed(2)} ms`);

function timeIt(fn: () => void): number {
  const started = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - started) / 1e6;
}

async function sellToApproved(core: Core, sandbox: RunningSandbox, mobile: string): Promise<SaleRecord> {
  const created = await call<SaleRecord>(core, 'sale.create');
  await call(core, 'sale.saveDraft', {
    saleId: created.id,
    stage: 'shopper',
    cart: CART,
    shopper: { ...SHOPPER, mobile },
  });
  await call(core, 'sale.start', { saleId: created.id });
  const sent = await call<SaleRecord>(core, 'sale.sendSms', { saleId: created.id, product: 'pp3', campaign: null });
  await shopper(sandbox, sent.solicitation!.uuid, 'approve');
  return sent;
}

/**
 * Finished sales spread over the last 85 days (inside the default 90-day retention), straight into the database
 * in one transaction. As on a till that has been selling for months, those that ended more than
 * personalDataDays (30) ago have already been through the personal-data purge.
 */
function seedHistory(db: TillDatabase, template: SaleRecord, count: number): void {
  const now = Date.now();
  const purgedBefore = now - 30 * DAY_MS;
  const upsert = saleStatements(db).upsert;
  db.write(() => {
    for (let i = 0; i < count; i += 1) {
      const time = now - Math.floor((i / count) * 85 * DAY_MS);
      const at = new Date(time).toISOString();
      const sale: SaleRecord = {
        ...template,
        id: `stored-${i}`,
        step: 'done',
        createdAt: at,
        updatedAt: at,
        finishedAt: at,
        ticketNumber: `SEED-${String(i + 1).padStart(7, '0')}`,
        solicitation: { uuid: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`, startedAt: at },
        shopper: { ...template.shopper, mobile: `6${String(i).padStart(8, '0')}` },
      };
      upsert.run(saleRow(time < purgedBefore ? purgeSale(sale, new Date(time + 30 * DAY_MS)) : sale, 'live', 1));
    }
  });
}

/** 1 and 2 on a database holding `stored` sales. */
async function writeBenches(
  template: SaleRecord,
  instruction: Instruction,
  stored: number,
  writes: number,
): Promise<string[]> {
  const dir = join(root, `writes-${stored}`);
  mkdirSync(dir, { recursive: true });
  const checkpoints: CheckpointRun[] = [];
  const db = openTillDatabase(join(dir, 'till.db'), { onCheckpoint: (run) => checkpoints.push(run) });
  const nextTurn = () => new Promise((resolve) => setImmediate(resolve));
  try {
    const seedStarted = process.hrtime.bigint();
    seedHistory(db, template, stored);
    const seedMs = Number(process.hrtime.bigint() - seedStarted) / 1e6;
    const journal = new SaleJournal(db, 'live');
    const outbox = createOutboxStore(db, 'live');
    const keys = deriveTillKeys({ key: newTillKey(), source: 'memory' });
    const audit = new AuditLog(db, () => new Date(), { key: keys.auditKey, keyId: keys.keyId }, dir);
    const active = { ...template, id: 'bench-active', step: 'confirming' as const, ticketNumber: null };
    journal.putCurrent(active);
    // The disk's own cost of one committed transaction (one small row, synchronous=FULL), measured in between
    // the steps (every fourth), so that both see the same disk at the same moments.
    db.sql.exec('CREATE TABLE IF NOT EXISTS bench_floor (x TEXT) STRICT');
    const floorInsert = db.sql.prepare('INSERT INTO bench_floor (x) VALUES (?)');
    const floor: number[] = [];
    await nextTurn();
    checkpoints.length = 0; // the seeding's own
    const samples: number[] = [];
    for (let i = 0; i < writes; i += 1) {
      samples.push(
        timeIt(() =>
          journal.atomically(() => {
            journal.put({ ...active, updatedAt: new Date().toISOString() });
            outbox.save({ ...instruction, id: `bench-${i % 50}`, saleId: active.id, attempts: i });
            audit.record({ actor: 'bench', action: 'sale.confirm', outcome: 'ok', target: `saleId:${active.id}` });
          }),
        ),
      );
      // Each cashier step is its own IPC request: the event loop turns between two (and runs what waits for
      // it, such as the database's checkpoints, timed apart below).
      await nextTurn();
      if (i % 4 === 0) {
        floor.push(timeIt(() => db.write(() => floorInsert.run('x'))));
        await nextTurn();
      }
    }
    const between = checkpoints.map((run) => run.ms);
    const close: number[] = [];
    for (let i = 0; i < 50; i += 1) {
      const sale = { ...template, id: `close-${i}`, step: 'done' as const, ticketNumber: null };
      journal.put(sale);
      close.push(timeIt(() => journal.atomically(() => journal.archive(sale.id))));
    }
    journal.detach();
    const closeP50 = percentile(close, 50)!;
    if (stored === 100) closeAt100 = closeP50;
    // The audit head is written after each entry (a queued microtask): let the last one finish.
    await nextTurn();
    return [
      `with ${stored} stored sales: one step's write (sale + outbox + audit, one transaction) p50 ${ms(percentile(samples, 50))}, p99 ${ms(percentile(samples, 99))}, max ${ms(Math.max(...samples))} over ${writes}`,
      `with ${stored} stored sales: the disk's own commit (one tiny row, fsync) in between, p50 ${ms(percentile(floor, 50))}, p99 ${ms(percentile(floor, 99))}, max ${ms(Math.max(...floor))} over ${floor.length}`,
      `with ${stored} stored sales: seeded in ${(seedMs / 1000).toFixed(1)} s; checkpoints between the steps: ${between.length}, p50 ${ms(percentile(between, 50))}, max ${ms(between.length ? Math.max(...between) : null)}${checkpoints.some((run) => !run.ok) ? ' (some failed)' : ''}`,
      `with ${stored} stored sales: closing a sale (archive) p50 ${ms(closeP50)}, p99 ${ms(percentile(close, 99))}` +
        (stored === 100
          ? ''
          : `; late/early ratio (p50 here / p50 at 100 stored) ${(closeP50 / closeAt100!).toFixed(2)}`),
    ];
  } finally {
    db.close();
  }
}

/** 3 and 4: a till whose database holds `stored` sales. */
async function startupAndSearch(
  sandbox: RunningSandbox,
  template: SaleRecord,
  stored: number,
  starts: number,
): Promise<string[]> {
  const dataDir = join(root, `startup-${stored}`);
  // A till that has sold (its database, with an operator) …
  const first = await startCore({ dataDir, sandbox });
  await first.stop();
  // … and holds `stored` sales.
  const db = openTillDatabase(join(dataDir, 'till.db'));
  seedHistory(db, template, stored);
  db.close();
  const samples: number[] = [];
  const verdicts: number[] = [];
  const firstWrites: number[] = [];
  let core: Core | null = null;
  const sinceMs = (from: bigint) => Number(process.hrtime.bigint() - from) / 1e6;
  for (let i = 0; i < starts; i += 1) {
    const started = process.hrtime.bigint();
    // The real check in its worker thread, its verdict timed from the start's beginning.
    const checkInWorker = quickCheckInWorker();
    const runQuickCheck: QuickCheckRunner = (path) => {
      const running = checkInWorker(path);
      void running.verdict.then(() => verdicts.push(sinceMs(started)));
      return running;
    };
    core = await startCore({ dataDir, sandbox, signIn: false, runQuickCheck });
    samples.push(sinceMs(started));
    // The cashier's first write (signing in) waits for the check's verdict.
    await call(core, 'session.signIn', { operatorId: 'T900', pin: '482915' });
    firstWrites.push(sinceMs(started));
    if (i < starts - 1) await core.stop();
  }
  const today = new Date().toISOString().slice(0, 10);
  const weekAgo = new Date(Date.now() - 7 * 86_400_000).toISOString().slice(0, 10);
  const target = Math.floor(stored / 2);
  const queries = [
    { key: 'ticket', query: `SEED-${String(target + 1).padStart(7, '0')}`, from: null, to: null },
    { key: 'uuid', query: `00000000-0000-4000-8000-${String(target).padStart(12, '0')}`, from: null, to: null },
    { key: 'phone', query: String(target).padStart(8, '0').slice(-4), from: null, to: null },
    { key: 'ticket', query: '', from: weekAgo, to: today },
  ];
  const lines: string[] = [];
  for (const q of queries) {
    const times: number[] = [];
    let total = 0;
    for (let i = 0; i < 5; i += 1) {
      const started = process.hrtime.bigint();
      const found = await call<{ total: number }>(core!, 'afterSale.search', {
        ...q,
        statuses: [],
        training: false,
        limit: 50,
      });
      times.push(Number(process.hrtime.bigint() - started) / 1e6);
      total = found.total;
    }
    lines.push(
      `with ${stored} stored sales: search by ${q.key}${q.from ? ' over a week' : ''} median ${ms(percentile(times, 50))} (${total} found)`,
    );
  }
  await core!.stop();
  // What the check beside the start costs on its own: PRAGMA quick_check reads the whole file.
  const checks: number[] = [];
  for (let i = 0; i < 3; i += 1)
    checks.push(timeIt(() => openTillDatabase(join(dataDir, 'till.db'), { quickCheck: true }).close()));
  return [
    `with ${stored} stored sales: start-up (createCore + start) median ${ms(percentile(samples, 50))}, max ${ms(Math.max(...samples))} over ${starts}`,
    `with ${stored} stored sales: the integrity check's verdict (quick_check in its worker thread, beside the start) median ${ms(percentile(verdicts, 50))}, max ${ms(Math.max(...verdicts))} after the start began; the first write (sign-in, held until the verdict) answered at median ${ms(percentile(firstWrites, 50))}; quick_check alone on this thread median ${ms(percentile(checks, 50))}`,
    ...lines,
  ];
}

/** 5. Drain after a partition of `count` queued confirmations; returns a real sale record and instruction. */
async function drainBench(
  sandbox: RunningSandbox,
  count: number,
): Promise<{ line: string; template: SaleRecord; instruction: Instruction }> {
  const dataDir = join(root, `drain-${count}`);
  await fetch(`${sandbox.baseUrl}/__sandbox/reset`, { method: 'POST' });
  const core = await startCore({ dataDir, sandbox });
  const approved: SaleRecord[] = [];
  for (let i = 0; i < count; i += 1) {
    const sale = await sellToApproved(core, sandbox, `6${String(10_000_000 + i)}`);
    approved.push(sale);
    // The cashier moves on; the approved sale is brought back below for its confirmation.
    await call(core, 'sale.cancel', { saleId: sale.id }).catch(() => {});
    await call(core, 'sale.close', { saleId: sale.id }).catch(() => {});
  }
  await core.stop();
  // Back to "awaiting approval" in the journal, as if many cashiers had them open at once.
  withTillDatabase(dataDir, (db) => {
    const update = db.prepare("UPDATE sales SET archived = 0, step = 'awaiting_approval', record = ? WHERE id = ?");
    db.transaction(() => {
      for (const sale of approved) update.run(JSON.stringify(sale), sale.id);
    })();
  });
  const again = await startCore({ dataDir, sandbox });
  await setFaults(sandbox, { partition_s: 3_600 });
  for (const sale of approved) await call(again, 'sale.confirm', { saleId: sale.id });
  // A real queued confirmation, for the write benchmark below.
  const instruction = withTillDatabase(
    dataDir,
    (db) =>
      JSON.parse(
        (
          db.prepare('SELECT record FROM outbox WHERE record LIKE \'%"kind":"confirm"%\' LIMIT 1').get() as {
            record: string;
          }
        ).record,
      ) as Instruction,
  );
  const ended = Date.now();
  await setFaults(sandbox, null);
  again.nudgeConnectivity();
  const progress = process.env.BENCH_PROGRESS
    ? setInterval(
        () => console.error(`${((Date.now() - ended) / 1000).toFixed(1)} s`, JSON.stringify(again.pendingWork())),
        1000,
      )
    : null;
  await waitFor(
    () => again.pendingWork().open,
    (open) => open === 0,
    600_000,
  );
  const drainMs = Date.now() - ended;
  if (progress) clearInterval(progress);
  const template = withTillDatabase(
    dataDir,
    (db) =>
      JSON.parse(
        (db.prepare("SELECT record FROM sales WHERE step = 'done' LIMIT 1").get() as { record: string }).record,
      ) as SaleRecord,
  );
  await again.stop();
  return {
    line: `drain after a partition: ${count} queued confirmations (and their handovers) at SeQura ${(drainMs / 1000).toFixed(1)} s after it ended`,
    template,
    instruction,
  };
}

const sandbox = await startSandbox({
  port: 0,
  quiet: true,
  reviewDelayMs: 20,
  smsLimit: 50,
  requestLogLimit: 1_000_000,
});
try {
  console.log(`bench:storage on ${process.platform} ${process.arch}, Node ${process.version}, data in ${root}`);
  let template: SaleRecord | null = null;
  let instruction: Instruction | null = null;
  for (const size of values.drain.split(',').map(Number)) {
    const result = await drainBench(sandbox, size);
    console.log(result.line);
    template ??= result.template;
    instruction ??= result.instruction;
  }
  if (!template || !instruction) throw new Error('no sale record to use as a template');
  console.log(
    `(a realistic finished sale record is ${(JSON.stringify(template).length / 1024).toFixed(1)} KiB of JSON)`,
  );
  for (const stored of [100, ...values.stored.split(',').map(Number)]) {
    for (const line of await writeBenches(template, instruction, stored, Number(values.writes))) console.log(line);
    if (stored === 100) continue;
    for (const line of await startupAndSearch(sandbox, template, stored, Number(values.starts))) console.log(line);
  }
} finally {
  await sandbox.close();
  rmSync(root, { recursive: true, force: true });
}
