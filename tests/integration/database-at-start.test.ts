import { createHash } from 'node:crypto';
import { closeSync, existsSync, openSync, readFileSync, readdirSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Core } from '../../electron/core/app-core.ts';
import { startSandbox, type RunningSandbox } from '../../sandbox/index.ts';
import type { TillStatus } from '../../shared/ipc/status-schemas.ts';
import type { SaleRecord } from '../../shared/sale/sale-record.ts';
import {
  CART,
  SHOPPER,
  TEST_MANAGER,
  call,
  callError,
  makeDataDir,
  removeDir,
  shopper,
  startCore,
  auditEntries,
  storedSales,
  waitFor,
} from '../support/till.ts';

// The till database at start: a damaged one is kept aside untouched and a deleted one is reported as data
// loss; neither is ever replaced by an empty database on its own, and neither re-opens first-run manager
// creation. Store IT's documented steps (docs/it-guide.md) are what bring the till back.
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
  // Each test is a different till of the same merchant: SeQura forgets the previous one's ticket numbers.
  await fetch(`${sandbox.baseUrl}/__sandbox/reset`, { method: 'POST' });
  dataDir = makeDataDir();
});
afterEach(async () => {
  await core?.stop();
  core = null;
  removeDir(dataDir);
});

const dbPath = () => join(dataDir, 'till.db');
const sha = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

/** A live till that confirmed one sale, then stopped: its database holds a ticket and a manager. */
async function tillWithOneSale(): Promise<string> {
  core = await startCore({ dataDir, sandbox });
  const sale = await call<SaleRecord>(core, 'sale.create');
  await call(core, 'sale.saveDraft', { saleId: sale.id, stage: 'shopper', cart: CART, shopper: SHOPPER });
  await call(core, 'sale.start', { saleId: sale.id });
  const awaiting = await call<SaleRecord>(core, 'sale.sendSms', { saleId: sale.id, product: 'pp3', campaign: null });
  await shopper(sandbox, awaiting.solicitation!.uuid, 'approve');
  await call(core, 'sale.confirm', { saleId: sale.id });
  const done = await waitFor(
    async () => (await call<{ sale: SaleRecord | null }>(core!, 'sale.current')).sale,
    (s) => s?.step === 'done',
  );
  await core.stop();
  core = null;
  return done!.ticketNumber!;
}

/** Overwrites a few pages in the middle of the file (a failing disk, a bad copy). */
function damagePages(path: string): void {
  const fd = openSync(path, 'r+');
  try {
    writeSync(fd, Buffer.alloc(3 * 4096, 0xa5), 0, 3 * 4096, 4096);
  } finally {
    closeSync(fd);
  }
}

async function status(): Promise<TillStatus> {
  return call<TillStatus>(core!, 'app.getStatus');
}

describe('the database at start', () => {
  it('a damaged database is kept aside byte for byte, and the till shows the recovery screen instead of selling', async () => {
    const lastTicket = await tillWithOneSale();
    damagePages(dbPath());
    const damagedHash = sha(dbPath());

    core = await startCore({ dataDir, sandbox, signIn: false });
    const notice = (await status()).database;
    expect(notice).toMatchObject({ kind: 'damaged', lastTicket });
    expect(notice!.detail).toMatch(/malformed|damaged/i);
    // Moved, untouched, into a dated folder of its own; no database (empty or not) took its place.
    expect(notice!.keptAt).toMatch(/set-aside[\\/]till-db-\d{4}-/);
    expect(sha(join(notice!.keptAt!, 'till.db'))).toBe(damagedHash);
    expect(existsSync(dbPath())).toBe(false);
    // Nothing else answers, and first-run manager creation is not offered to whoever is at the till.
    expect((await callError(core, 'sale.create')).code).toBe('storage_corrupt');
    expect((await callError(core, 'operators.bootstrapManager', TEST_MANAGER)).code).toBe('storage_corrupt');
    expect((await status()).setup).toMatchObject({ managerExists: false, operatorsLost: true });
    await core.stop();
    expect(existsSync(dbPath())).toBe(false);

    // The start after that still knows: the marker says a database existed here.
    core = await startCore({ dataDir, sandbox, signIn: false });
    expect((await status()).database).toMatchObject({ kind: 'missing', lastTicket });
  });

  it('a deleted database is reported as data loss, never taken for a fresh install', async () => {
    const lastTicket = await tillWithOneSale();
    for (const suffix of ['', '-wal', '-shm']) rmSync(`${dbPath()}${suffix}`, { force: true });

    core = await startCore({ dataDir, sandbox, signIn: false });
    const current = await status();
    expect(current.database).toMatchObject({ kind: 'missing', keptAt: null, lastTicket });
    expect(current.database!.permissionFile).toBe(join(dataDir, 'start-new-database.txt'));
    expect((await callError(core, 'session.signIn', { operatorId: TEST_MANAGER.id, pin: TEST_MANAGER.pin })).code).toBe(
      'storage_corrupt',
    );
    expect(existsSync(dbPath())).toBe(false);
  });

  it("store IT's permission starts a new database: tickets continue above the last one, operators stay lost", async () => {
    const lastTicket = await tillWithOneSale();
    damagePages(dbPath());
    writeFileSync(join(dataDir, 'start-new-database.txt'), 'IT-4711\n');

    core = await startCore({ dataDir, sandbox, signIn: false });
    const current = await status();
    expect(current.database).toBeNull();
    // The damaged file is still kept aside for support.
    const keptAside = readdirSync(join(dataDir, 'set-aside'));
    expect(keptAside).toHaveLength(1);
    // Whoever is at the till cannot make themselves manager of the new database.
    expect(current.setup).toMatchObject({ managerExists: false, operatorsLost: true });
    expect((await callError(core, 'operators.bootstrapManager', TEST_MANAGER)).code).toBe('conflict');
    // Store IT's documented second step opens first-run once.
    writeFileSync(join(dataDir, 'allow-first-manager.txt'), 'IT-4711\n');
    await call(core, 'operators.bootstrapManager', TEST_MANAGER);
    await call(core, 'session.signIn', { operatorId: TEST_MANAGER.id, pin: TEST_MANAGER.pin });
    // The next ticket is a new one, above the last one the lost database handed out.
    const sale = await call<SaleRecord>(core, 'sale.create');
    await call(core, 'sale.saveDraft', { saleId: sale.id, stage: 'shopper', cart: CART, shopper: SHOPPER });
    await call(core, 'sale.start', { saleId: sale.id });
    const awaiting = await call<SaleRecord>(core, 'sale.sendSms', { saleId: sale.id, product: 'pp3', campaign: null });
    await shopper(sandbox, awaiting.solicitation!.uuid, 'approve');
    const confirmed = await call<SaleRecord>(core, 'sale.confirm', { saleId: sale.id });
    expect(confirmed.ticketNumber).not.toBe(lastTicket);
    // The time-ordered part (the last two groups, journal/ticket-numbers.ts) is above the lost one's.
    const stamp = (ticket: string) => ticket.split('-').slice(-2).join('');
    expect(stamp(confirmed.ticketNumber!) > stamp(lastTicket)).toBe(true);

    // The same permission text does not start another new database after a later loss.
    await core.stop();
    core = null;
    for (const suffix of ['', '-wal', '-shm']) rmSync(`${dbPath()}${suffix}`, { force: true });
    core = await startCore({ dataDir, sandbox, signIn: false });
    expect((await status()).database?.kind).toBe('missing');
  });

  it('the full integrity check from the settings finds what the quick check at start does not (manager only)', async () => {
    await tillWithOneSale();
    core = await startCore({ dataDir, sandbox });
    // A cashier-level session (not elevated) is refused; an elevated manager gets the result.
    expect((await callError(core, 'admin.checkDatabase')).code).toBe('locked');
    await call(core, 'session.elevate', { managerPin: TEST_MANAGER.pin });
    const sound = await call<{ ok: boolean; problems: string[] }>(core, 'admin.checkDatabase');
    expect(sound).toMatchObject({ ok: true, problems: [] });
    await core.stop();
    core = null;

    // One character of a sale's creation time changed in its table row only (a bit flipped on disk): every page
    // is still well formed, so the quick check at start passes, but the indexes on that column no longer match.
    const createdAt = storedSales<SaleRecord>(dataDir)[0]!.createdAt;
    const file = readFileSync(dbPath());
    const column = file.indexOf(Buffer.from(`done${createdAt}`));
    expect(column).toBeGreaterThan(0);
    const fd = openSync(dbPath(), 'r+');
    const digit = column + 'done'.length + createdAt.length - 2; // the last digit of the milliseconds
    writeSync(fd, Buffer.from(file[digit] === 0x39 ? '8' : '9'), 0, 1, digit);
    closeSync(fd);
    core = await startCore({ dataDir, sandbox });
    expect((await status()).database).toBeNull();
    await call(core, 'session.elevate', { managerPin: TEST_MANAGER.pin });
    const damaged = await call<{ ok: boolean; problems: string[] }>(core, 'admin.checkDatabase');
    expect(damaged.ok).toBe(false);
    expect(damaged.problems.join(' ')).toMatch(/sales_by_realm/);
    expect(auditEntries(dataDir).some((e) => e.action === 'database.checked' && e.outcome === 'failed')).toBe(true);
  });
});
