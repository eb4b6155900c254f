import Database from 'better-sqlite3';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { copyFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Core } from '../../electron/core/app-core.ts';
import { startSandbox, type RunningSandbox } from '../../sandbox/index.ts';
import type { SaleRecord } from '../../shared/sale/sale-record.ts';
import {
  CART,
  SHOPPER,
  call,
  makeDataDir,
  removeDir,
  sandboxOrder,
  sandboxRequests,
  shopper,
  startCore,
  storedOutboxText,
  storedSales,
  waitFor,
} from '../support/till.ts';
import { ticketThief } from '../support/ticket-thief.ts';

// Ticket numbers (order_ref_1 at SeQura) never repeat for the merchant: not for two data folders on tills
// configured with the same tillId (a reinstall, a second OS user, a copy-pasted configuration), not after an
// older copy of the database is put back, not when the clock goes backwards. And if SeQura still answers that
// a number is taken, the till takes a new one and confirms again by itself. Real sandbox over loopback, real
// database files.
let sandbox: RunningSandbox;
const dirs: string[] = [];
const cores: Core[] = [];

beforeAll(async () => {
  sandbox = await startSandbox({ port: 0, quiet: true });
});
afterAll(async () => {
  await sandbox.close();
});
beforeEach(async () => {
  await fetch(`${sandbox.baseUrl}/__sandbox/reset`, { method: 'POST' });
});
afterEach(async () => {
  for (const core of cores.splice(0)) await core.stop();
  for (const dir of dirs.splice(0)) removeDir(dir);
});

function dataDir(): string {
  const dir = makeDataDir('tickets-');
  dirs.push(dir);
  return dir;
}

async function open(dir: string, options: { clock?: () => Date; fetch?: typeof fetch } = {}): Promise<Core> {
  const core = await startCore({ dataDir: dir, sandbox, ...options });
  cores.push(core);
  return core;
}

async function stop(core: Core): Promise<void> {
  cores.splice(cores.indexOf(core), 1);
  await core.stop();
}

async function saleById(core: Core, id: string): Promise<SaleRecord> {
  const { sale } = await call<{ sale: SaleRecord | null }>(core, 'sale.current');
  if (sale?.id !== id) throw new Error(`sale ${id} is not the current sale`);
  return sale;
}

/** One whole sale, from the cart to "handed over", with the shopper approving on the sandbox's phone. */
async function sell(core: Core): Promise<SaleRecord> {
  const created = await call<SaleRecord>(core, 'sale.create');
  await call(core, 'sale.saveDraft', { saleId: created.id, stage: 'shopper', cart: CART, shopper: SHOPPER });
  await call(core, 'sale.start', { saleId: created.id });
  const awaiting = await call<SaleRecord>(core, 'sale.sendSms', { saleId: created.id, product: 'pp3', campaign: null });
  await shopper(sandbox, awaiting.solicitation!.uuid, 'approve');
  await call(core, 'sale.confirm', { saleId: created.id });
  const done = await waitFor(
    () => saleById(core, created.id),
    (s) => s.step === 'done' || s.step === 'confirm_refused',
  );
  // A refused sale stays open (and the assertions below say why); a finished one is closed for the next.
  if (done.step === 'done') await call(core, 'sale.close', { saleId: created.id });
  return done;
}

async function sellMany(core: Core, count: number): Promise<SaleRecord[]> {
  const sold: SaleRecord[] = [];
  for (let i = 0; i < count; i++) sold.push(await sell(core));
  return sold;
}

/**
 * Every sale ended confirmed and handed over with the first ticket number it was given (no clash at SeQura
 * that the till had to repair), all numbers different, and SeQura holds each sale's order under its number.
 */
async function expectUniqueFirstTime(sales: SaleRecord[]): Promise<void> {
  expect(sales.map((s) => s.step)).toEqual(sales.map(() => 'done'));
  const tickets = sales.map((s) => s.ticketNumber);
  expect(new Set(tickets).size).toBe(sales.length);
  for (const sale of sales) {
    expect(sale.timeline.map((e) => e.event)).not.toContain('ticket_replaced');
    const order = await sandboxOrder(sandbox, sale.solicitation!.uuid);
    expect(order).toMatchObject({ order_ref_1: sale.ticketNumber, confirmed_count: 1, state: 'shipped' });
  }
}

/** A copy of a running till's database with SQLite's online backup, as the IT guide tells IT to take one. */
async function backUpDatabase(dir: string, to: string): Promise<void> {
  const source = new Database(join(dir, 'till.db'), { readonly: true });
  try {
    await source.backup(to);
  } finally {
    source.close();
  }
}

/** A restore as the IT guide describes it: the app closed, `till.db` put back, its -wal and -shm deleted. */
function restoreDatabase(from: string, dir: string): void {
  for (const leftover of ['till.db-wal', 'till.db-shm']) rmSync(join(dir, leftover), { force: true });
  copyFileSync(from, join(dir, 'till.db'));
}

describe('ticket numbers never repeat', () => {
  it('two data folders on tills with the same store and tillId never issue the same ticket number', async () => {
    // Both tills use the same configuration (storeRef TIENDA-01, tillId 03) and sell in turns.
    const first = await open(dataDir());
    const second = await open(dataDir());
    const sold: SaleRecord[] = [];
    for (let round = 0; round < 2; round++) {
      sold.push(await sell(first));
      sold.push(await sell(second));
    }
    await expectUniqueFirstTime(sold);
  });

  it('an older copy of the database put back never repeats a ticket number issued after the copy', async () => {
    const dir = dataDir();
    let core = await open(dir);
    const beforeCopy = await sellMany(core, 2);
    const aside = join(dataDir(), 'till-backup.db');
    await backUpDatabase(dir, aside);
    const afterCopy = await sellMany(core, 2);
    await stop(core);
    restoreDatabase(aside, dir);
    core = await open(dir);
    const afterRestore = await sellMany(core, 2);
    await expectUniqueFirstTime([...beforeCopy, ...afterCopy, ...afterRestore]);
    // The restored database knows only the sales made before the copy, and the ones after the restore.
    const stored = storedSales<SaleRecord>(dir).map((s) => s.ticketNumber);
    expect(stored.sort()).toEqual([...beforeCopy, ...afterRestore].map((s) => s.ticketNumber).sort());
  });

  it('an older copy put back on a till whose clock was set back never repeats a number issued after the copy', async () => {
    // The clock stands still, so every number is "the last one issued, plus one": the restored copy, which only
    // knows its own last number, would hand out exactly the numbers issued after the copy. The preferences
    // (till-database.json) remember the last number the till issued, whatever database it had then.
    const now = Date.now();
    const dir = dataDir();
    let core = await open(dir, { clock: () => new Date(now) });
    const beforeCopy = await sellMany(core, 2);
    const aside = join(dataDir(), 'till-backup.db');
    await backUpDatabase(dir, aside);
    const afterCopy = await sellMany(core, 2);
    await stop(core);
    restoreDatabase(aside, dir);
    core = await open(dir, { clock: () => new Date(now - 86_400_000) });
    const afterRestore = await sellMany(core, 2);
    await expectUniqueFirstTime([...beforeCopy, ...afterCopy, ...afterRestore]);
    // And they still grow: each one sorts after every number issued before it.
    const tickets = [...beforeCopy, ...afterCopy, ...afterRestore].map((s) => s.ticketNumber!);
    expect([...tickets].sort()).toEqual(tickets);
  });

  it('a clock set backwards does not repeat a ticket number, and the numbers keep growing', async () => {
    const dir = dataDir();
    let core = await open(dir);
    const before = await sellMany(core, 2);
    await stop(core);
    // The till's clock goes back a day (a dead CMOS battery, a wrong manual setting).
    const dayBack = () => new Date(Date.now() - 86_400_000);
    core = await open(dir, { clock: dayBack });
    const after = await sellMany(core, 2);
    await expectUniqueFirstTime([...before, ...after]);
    // Time-ordered: each number sorts after the previous one, whatever the clock said.
    const tickets = [...before, ...after].map((s) => s.ticketNumber!);
    expect([...tickets].sort()).toEqual(tickets);
    // What a cashier reads out from a slip, the last group, in any case, finds the sale in the history.
    const lastGroup = tickets[1]!.slice(-4).toLowerCase();
    const found = await call<{ results: Array<{ saleId: string }> }>(core, 'afterSale.search', {
      query: lastGroup,
      key: 'ticket',
      from: null,
      to: null,
      statuses: [],
      training: false,
      limit: 50,
    });
    expect(found.results.map((r) => r.saleId)).toContain(before[1]!.id);
  });
});

async function approvedSale(core: Core): Promise<SaleRecord> {
  const created = await call<SaleRecord>(core, 'sale.create');
  await call(core, 'sale.saveDraft', { saleId: created.id, stage: 'shopper', cart: CART, shopper: SHOPPER });
  await call(core, 'sale.start', { saleId: created.id });
  const awaiting = await call<SaleRecord>(core, 'sale.sendSms', { saleId: created.id, product: 'pp3', campaign: null });
  await shopper(sandbox, awaiting.solicitation!.uuid, 'approve');
  return awaiting;
}

function confirmationsOf(requests: Awaited<ReturnType<typeof sandboxRequests>>, uuid: string) {
  return requests.filter((r) => r.method === 'PUT' && r.path === `/orders/${uuid}`);
}

describe('SeQura answers that the ticket number is taken', () => {
  it('the till takes a new number and confirms again by itself: confirmed once, nothing lost', async () => {
    const thief = ticketThief(sandbox);
    const core = await open(dataDir(), { fetch: thief.fetch });
    const sale = await approvedSale(core);
    await call(core, 'sale.confirm', { saleId: sale.id });
    const done = await waitFor(
      () => saleById(core, sale.id),
      (s) => s.step === 'done' || s.step === 'confirm_refused',
    );

    const [stolen] = thief.state.stolen;
    expect(stolen).toBeDefined();
    expect(done.step).toBe('done');
    expect(done.ticketNumber).not.toBe(stolen);
    // The cashier can see what happened: the sale's timeline names both numbers.
    const replaced = done.timeline.filter((e) => e.event === 'ticket_replaced');
    expect(replaced).toHaveLength(1);
    expect(replaced[0]!.detail).toContain(stolen!);
    expect(replaced[0]!.detail).toContain(done.ticketNumber!);

    // At SeQura: this sale's order is confirmed exactly once, under the new number; the other order keeps its own.
    const order = await sandboxOrder(sandbox, sale.solicitation!.uuid);
    expect(order).toMatchObject({ order_ref_1: done.ticketNumber, confirmed_count: 1, state: 'shipped' });
    const other = await sandboxOrder(sandbox, thief.state.thiefUuids[0]!);
    expect(other).toMatchObject({ order_ref_1: stolen, confirmed_count: 1, state: 'confirmed' });
    const confirmations = confirmationsOf(await sandboxRequests(sandbox), sale.solicitation!.uuid);
    expect(confirmations.map((r) => r.status)).toEqual([409, 200]);
    // Nothing is left waiting for a person.
    const outbox = await call<{ items: Array<{ state: string }> }>(core, 'outbox.list');
    expect(outbox.items.filter((i) => i.state === 'needs_attention' || i.state === 'pending')).toEqual([]);
  });

  it('writes the new number ahead of sending it: a restart before SeQura got it sends that same number once', async () => {
    const dir = dataDir();
    const thief = ticketThief(sandbox, { afterwards: 'network_down' });
    let core = await open(dir, { fetch: thief.fetch });
    const sale = await approvedSale(core);
    await call(core, 'sale.confirm', { saleId: sale.id });
    // The clash was answered; the new number's confirmation cannot get through.
    const pending = await waitFor(
      () => saleById(core, sale.id),
      (s) => s.timeline.some((e) => e.event === 'ticket_replaced'),
    );
    expect(pending.step).toBe('confirming');
    const newTicket = pending.ticketNumber!;
    expect(thief.state.stolen).toHaveLength(1);
    expect(newTicket).not.toBe(thief.state.stolen[0]);
    await stop(core);

    // On disk before anything was sent: the sale carries the new number, and so does its confirmation.
    const stored = storedSales<SaleRecord>(dir).find((s) => s.id === sale.id)!;
    expect(stored.ticketNumber).toBe(newTicket);
    expect(storedOutboxText(dir)).toContain(`"order_ref_1":"${newTicket}"`);

    core = await open(dir);
    const done = await waitFor(
      () => saleById(core, sale.id),
      (s) => s.step === 'done',
    );
    expect(done.ticketNumber).toBe(newTicket);
    const order = await sandboxOrder(sandbox, sale.solicitation!.uuid);
    expect(order).toMatchObject({ order_ref_1: newTicket, confirmed_count: 1, state: 'shipped' });
    const statuses = confirmationsOf(await sandboxRequests(sandbox), sale.solicitation!.uuid).map((r) => r.status);
    expect(statuses).toEqual([409, 200]);
  });

  it('stops after three new numbers and asks the cashier; asking again takes a new number and confirms', async () => {
    const thief = ticketThief(sandbox, { steals: 4 });
    const core = await open(dataDir(), { fetch: thief.fetch });
    const sale = await approvedSale(core);
    await call(core, 'sale.confirm', { saleId: sale.id });
    const refused = await waitFor(
      () => saleById(core, sale.id),
      (s) => s.step === 'confirm_refused' || s.step === 'done',
    );
    expect(refused.step).toBe('confirm_refused');
    expect(refused.confirmation.refusal?.kind).toBe('duplicate_reference');
    expect(refused.timeline.filter((e) => e.event === 'ticket_replaced')).toHaveLength(3);
    expect(thief.state.stolen).toHaveLength(4);
    expect(refused.ticketNumber).toBe(thief.state.stolen[3]);

    // The cashier presses "check again": the taken number is not sent again.
    await call(core, 'sale.confirm', { saleId: sale.id });
    const done = await waitFor(
      () => saleById(core, sale.id),
      (s) => s.step === 'done' || s.step === 'confirm_refused',
    );
    expect(done.step).toBe('done');
    expect(thief.state.stolen).not.toContain(done.ticketNumber);
    const order = await sandboxOrder(sandbox, sale.solicitation!.uuid);
    expect(order).toMatchObject({ order_ref_1: done.ticketNumber, confirmed_count: 1, state: 'shipped' });
    const statuses = confirmationsOf(await sandboxRequests(sandbox), sale.solicitation!.uuid).map((r) => r.status);
    expect(statuses).toEqual([409, 409, 409, 409, 200]);
  });

  it('a till killed after resending under the new number, before SeQura’s answer, confirms under that number', async () => {
    const dir = dataDir();
    // A real process, SIGKILLed while the confirmation with the new number is applied at SeQura but unanswered.
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'tests/support/ticket-clash-child.ts', dir, sandbox.baseUrl],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    const exited = once(child, 'exit');
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    await waitFor(
      () => output,
      (text) => text.includes('\n') || child.exitCode !== null,
      90_000,
    );
    child.kill('SIGKILL');
    await exited;
    const { saleId, uuid, stolen } = JSON.parse(output) as { saleId: string; uuid: string; stolen: string };

    const stored = storedSales<SaleRecord>(dir).find((s) => s.id === saleId)!;
    expect(stored.ticketNumber).not.toBe(stolen);
    expect(await sandboxOrder(sandbox, uuid)).toMatchObject({ order_ref_1: stored.ticketNumber, state: 'confirmed' });

    const core = await open(dir);
    const done = await waitFor(
      () => saleById(core, saleId),
      (s) => s.step === 'done' || s.step === 'confirm_refused',
    );
    expect(done).toMatchObject({ step: 'done', ticketNumber: stored.ticketNumber });
    expect(done.timeline.filter((e) => e.event === 'ticket_replaced')).toHaveLength(1);
    expect(await sandboxOrder(sandbox, uuid)).toMatchObject({ order_ref_1: stored.ticketNumber, state: 'shipped' });
    // The refused one, the one whose answer was lost, and its replay after the restart (the same request).
    const statuses = confirmationsOf(await sandboxRequests(sandbox), uuid).map((r) => r.status);
    expect(statuses).toEqual([409, 200, 200]);
  }, 120_000);
});
