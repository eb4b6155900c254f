import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Core } from '../../electron/core/app-core.ts';
import { startSandbox, type RunningSandbox } from '../../sandbox/index.ts';
import type { IpcResult } from '../../shared/ipc/result.ts';
import type { SaleRecord } from '../../shared/sale/sale-record.ts';
import { mountSmallDisk, type SmallDisk } from '../support/small-disk.ts';
import {
  CART,
  SHOPPER,
  approvedSale,
  call,
  saleAwaitingApproval,
  sandboxOrder,
  sandboxRequests,
  setFaults,
  shopper,
  startCore,
  storedSales,
  waitFor,
} from '../support/till.ts';

// The till on a disk that fills up while it sells: every step it reported as done is still there once the
// disk is freed and the till restarted; every step tried while the disk was full got a typed storage error
// (or was recorded: a write that still fitted); no SeQura call was made for a step the till could not record;
// and the till works again by itself once space is freed, without a restart.
let sandbox: RunningSandbox;
let disk: SmallDisk;

beforeAll(async () => {
  sandbox = await startSandbox({ port: 0, quiet: true });
  disk = mountSmallDisk(24 * 1024 * 1024);
  // Which full disk this run got: a real tmpfs (root), or one injected at the file layer.
  console.info(`full-disk test: ${disk.kind === 'tmpfs' ? 'a real 24 MiB tmpfs' : 'ENOSPC injected at statfs'}`);
});
afterAll(async () => {
  disk?.free();
  disk?.dispose();
  await sandbox?.close();
});

/** SeQura calls that change something (everything but GETs), as the sandbox saw them. */
async function sequraWrites(): Promise<Array<{ method: string; path: string }>> {
  return (await sandboxRequests(sandbox)).filter((r) => !r.path.startsWith('/__sandbox') && r.method !== 'GET');
}

async function attempt(core: Core, channel: string, request: unknown): Promise<IpcResult<unknown>> {
  return core.dispatch(channel, request, true);
}

describe('a full disk', () => {
  it('refuses with typed storage errors, calls SeQura for nothing it could not record, and loses nothing', async () => {
    const dataDir = join(disk.dir, 'data');
    let core = await startCore({ dataDir, sandbox });

    // Before the disk fills: one sale finished, one approved by the shopper and waiting for its confirmation.
    const current = async () => (await call<{ sale: SaleRecord | null }>(core, 'sale.current')).sale;
    const sell = (): Promise<SaleRecord> => saleAwaitingApproval(core);
    const confirmAndClose = async (sale: SaleRecord) => {
      await call(core, 'sale.confirm', { saleId: sale.id });
      await waitFor(current, (s) => s?.id === sale.id && s.step === 'done');
      await call(core, 'sale.close', { saleId: sale.id });
    };

    const finished = await sell();
    await shopper(sandbox, finished.solicitation!.uuid, 'approve');
    await confirmAndClose(finished);
    const approved = await sell();
    await shopper(sandbox, approved.solicitation!.uuid, 'approve');
    // What the till reported as done, step by step: all of it must survive.
    const reported = new Map<string, string>([
      [finished.id, 'done'],
      [approved.id, 'awaiting_approval'],
    ]);

    const storageErrors: string[] = [];
    /** A step tried on a full disk: recorded (it still fitted) or refused with a storage error, nothing else. */
    const tried = (result: IpcResult<unknown>, what: string): boolean => {
      if (result.ok) return true;
      expect(result.error.code, `${what}: ${result.error.message}`).toMatch(/^storage_/);
      storageErrors.push(`${what}: ${result.error.code}`);
      return false;
    };

    // ---- the disk fills up while a confirmation is waiting
    disk.fill();
    let writesBefore = (await sequraWrites()).length;
    const confirm = await attempt(core, 'sale.confirm', { saleId: approved.id });
    expect(tried(confirm, 'sale.confirm')).toBe(false);
    expect(!confirm.ok && confirm.error.code).toBe('storage_full');
    expect(!confirm.ok && confirm.error.retryable).toBe(true);
    const resend = await attempt(core, 'sale.resendSms', { saleId: approved.id });
    expect(tried(resend, 'sale.resendSms')).toBe(false);
    // Nothing that changes anything at SeQura left the till while it could not record the answer.
    expect((await sequraWrites()).slice(writesBefore)).toEqual([]);
    expect((await sandboxOrder(sandbox, approved.solicitation!.uuid)).confirmed_count).toBe(0);
    expect((await current())?.step).toBe('awaiting_approval');

    // ---- space is freed: the same press works again, without a restart
    disk.free();
    await confirmAndClose(approved);
    reported.set(approved.id, 'done');
    expect((await sandboxOrder(sandbox, approved.solicitation!.uuid)).confirmed_count).toBe(1);

    // ---- full again, with a new sale in the cashier's hands
    disk.fill();
    writesBefore = (await sequraWrites()).length;
    const created = await attempt(core, 'sale.create', {});
    if (tried(created, 'sale.create')) {
      const draft = (created as { ok: true; data: SaleRecord }).data;
      reported.set(draft.id, 'draft');
      const saved = await attempt(core, 'sale.saveDraft', {
        saleId: draft.id,
        stage: 'shopper',
        cart: CART,
        shopper: SHOPPER,
      });
      tried(saved, 'sale.saveDraft');
      const started = await attempt(core, 'sale.start', { saleId: draft.id });
      expect(tried(started, 'sale.start')).toBe(false);
    }
    expect((await sequraWrites()).slice(writesBefore)).toEqual([]);
    console.info(`full-disk test: refused while full: ${storageErrors.join(', ')}`);
    disk.free();

    // ---- restart: everything reported as done is there
    await core.stop();
    core = await startCore({ dataDir, sandbox });
    const stored = new Map(storedSales<SaleRecord>(dataDir).map((s) => [s.id, s]));
    for (const [id, step] of reported) {
      expect(stored.get(id)?.step, `sale ${id}`).toBe(step);
    }
    expect(stored.get(finished.id)?.ticketNumber).toBeTruthy();
    expect(stored.get(approved.id)?.ticketNumber).toBeTruthy();
    expect(stored.get(approved.id)?.ticketNumber).not.toBe(stored.get(finished.id)?.ticketNumber);
    await core.stop();
  }, 60_000);

  it('keeps a queued confirmation from reaching SeQura while the disk is (nearly) full, and sends it by itself once freed', async () => {
    const dataDir = join(disk.dir, 'queued');
    const core = await startCore({ dataDir, sandbox });
    const current = async () => (await call<{ sale: SaleRecord | null }>(core, 'sale.current')).sale;
    try {
      const sale = await approvedSale(core, sandbox);
      const uuid = sale.solicitation!.uuid;
      // SeQura cannot be reached when the cashier confirms: the confirmation waits in the outbox.
      await setFaults(sandbox, { match: 'PUT /orders', reset_before_rate: 1 });
      expect((await call<SaleRecord>(core, 'sale.confirm', { saleId: sale.id })).step).toBe('confirming');

      // The disk fills up but for 256 KiB, then SeQura answers again: SQLite could still write, but the till
      // keeps a margin for recording what SeQura answers, so the outbox must not call it meanwhile.
      disk.fill(256 * 1024);
      const writesBefore = (await sequraWrites()).length;
      await setFaults(sandbox, null);
      await new Promise((resolve) => setTimeout(resolve, 4_000));
      expect((await sequraWrites()).slice(writesBefore)).toEqual([]);
      expect((await sandboxOrder(sandbox, uuid)).confirmed_count).toBe(0);

      // Space is freed: it goes by itself (no press, no restart) and is recorded.
      disk.free();
      await waitFor(current, (s) => s?.id === sale.id && s.step === 'done', 20_000);
      expect((await sandboxOrder(sandbox, uuid)).confirmed_count).toBe(1);
    } finally {
      disk.free();
      await setFaults(sandbox, null);
      await core.stop();
    }
  }, 60_000);
});
