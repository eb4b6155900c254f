import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Core } from '../../electron/core/app-core.ts';
import { createFileLogger } from '../../electron/core/log/logger.ts';
import { startSandbox, type RunningSandbox } from '../../sandbox/index.ts';
import type { IpcResult } from '../../shared/ipc/result.ts';
import type { SaleRecord } from '../../shared/sale/sale-record.ts';
import { mountReadOnlyCapableDisk, readOnlyFromNow, type ReadOnlyDisk } from '../support/small-disk.ts';
import {
  approvedSale,
  call,
  makeDataDir,
  removeDir,
  sandboxOrder,
  sandboxRequests,
  setFaults,
  startCore,
  storedSales,
  waitFor,
} from '../support/till.ts';

// The data folder turns read-only while the till is in the middle of a sale: the next cashier steps and a
// confirmation answer the typed storage_read_only error, SeQura is called for nothing the till could not
// record, the logger (whose writes now fail too) neither throws into the request nor brings the process down,
// and once the disk is repaired everything done before is there.
let sandbox: RunningSandbox;
let disk: ReadOnlyDisk;

beforeAll(async () => {
  sandbox = await startSandbox({ port: 0, quiet: true });
  disk = mountReadOnlyCapableDisk(32 * 1024 * 1024);
  console.info(
    `read-only test: ${disk.kind === 'ext4-emergency-ro' ? "ext4's emergency remount-ro on a loop device" : 'the folder itself (a read-only bind mount as root, else its permissions)'}`,
  );
});
afterAll(async () => {
  disk?.dispose();
  await sandbox?.close();
});

async function sequraWrites(): Promise<Array<{ method: string; path: string }>> {
  return (await sandboxRequests(sandbox)).filter((r) => !r.path.startsWith('/__sandbox') && r.method !== 'GET');
}

describe('a data folder that turns read-only at run time', () => {
  it('answers storage_read_only, calls SeQura for nothing, keeps the process up and loses nothing', async () => {
    const dataDir = join(disk.dir, 'data');
    let core: Core = await startCore({ dataDir, sandbox });
    const current = async () => (await call<{ sale: SaleRecord | null }>(core, 'sale.current')).sale;
    const attempt = (channel: string, request: unknown): Promise<IpcResult<unknown>> =>
      core.dispatch(channel, request, true);
    let restoreStderr = () => {};
    const crashes: unknown[] = [];
    const onCrash = (error: unknown) => crashes.push(error);
    process.on('uncaughtException', onCrash);
    process.on('unhandledRejection', onCrash);
    try {
      // Part of a sale: the shopper has approved; the cashier has not pressed "confirm" yet.
      const sale = await approvedSale(core, sandbox);
      const uuid = sale.solicitation!.uuid;

      // What the logger says on stderr once its file cannot be written (it must say it, not throw it).
      const stderrLines: string[] = [];
      const realStderrWrite = process.stderr.write.bind(process.stderr);
      process.stderr.write = ((chunk: string | Uint8Array, ...rest: never[]) => {
        stderrLines.push(String(chunk));
        return realStderrWrite(chunk, ...rest);
      }) as typeof process.stderr.write;
      restoreStderr = () => (process.stderr.write = realStderrWrite);

      disk.failReadOnly();
      expect(disk.isReadOnly()).toBe(true);
      const writesBefore = (await sequraWrites()).length;

      const refused = (result: IpcResult<unknown>, what: string) => {
        expect(result.ok, what).toBe(false);
        if (!result.ok) {
          expect(result.error.code, `${what}: ${result.error.message}`).toBe('storage_read_only');
          expect(result.error.retryable, what).toBe(true);
        }
      };
      // The next cashier steps: a new text to the shopper, the confirmation (pressed twice).
      refused(await attempt('sale.resendSms', { saleId: sale.id }), 'sale.resendSms');
      refused(await attempt('sale.confirm', { saleId: sale.id }), 'sale.confirm');
      refused(await attempt('sale.confirm', { saleId: sale.id }), 'sale.confirm again');

      // Nothing that changes anything at SeQura left the till while it could not record the answer.
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      expect((await sequraWrites()).slice(writesBefore)).toEqual([]);
      expect((await sandboxOrder(sandbox, uuid)).confirmed_count).toBe(0);
      // The till still answers, with the sale where it was.
      expect((await current())?.step).toBe('awaiting_approval');
      expect(crashes).toEqual([]);
      // The refusals were logged, and the logger's own failure was reported instead of thrown (the dispatcher
      // shields the answer from a throwing log, but timers and the outbox log outside any request).
      expect(stderrLines.join('')).toMatch(/cannot write the log .*: E(ROFS|ACCES)/);
      const logger = createFileLogger(join(dataDir, 'logs', 'sequra-pos.log'));
      expect(() => logger.error('test.read_only_folder', { channel: 'sale.confirm' })).not.toThrow();
      restoreStderr();

      // IT repairs the disk (after a kernel remount-ro that takes the till closed and the volume unmounted).
      await core.stop();
      disk.repair();
      expect(disk.isReadOnly()).toBe(false);
      core = await startCore({ dataDir, sandbox });
      const stored = storedSales<SaleRecord>(dataDir).find((s) => s.id === sale.id);
      expect(stored?.step).toBe('awaiting_approval');
      expect(stored?.solicitation?.uuid).toBe(uuid);
      // The same press works now, and SeQura gets it once.
      await call(core, 'sale.confirm', { saleId: sale.id });
      await waitFor(current, (s) => s?.id === sale.id && s.step === 'done', 20_000);
      expect((await sandboxOrder(sandbox, uuid)).confirmed_count).toBe(1);
      expect(crashes).toEqual([]);
    } finally {
      restoreStderr();
      process.off('uncaughtException', onCrash);
      process.off('unhandledRejection', onCrash);
      await core.stop();
    }
  }, 60_000);

  // The kernel's emergency read-only above lasts until the volume is unmounted. A folder can also turn
  // read-only for what the till opens from now on while its open database keeps working (a read-only mount
  // over it, changed rights): then the till recovers by itself once it is writable again, without a restart.
  it('refuses SeQura steps while the folder is read-only, and the same press works once it is writable again', async () => {
    const dataDir = makeDataDir('read-only-from-now-');
    let core = await startCore({ dataDir, sandbox });
    const current = async () => (await call<{ sale: SaleRecord | null }>(core, 'sale.current')).sale;
    let readOnly: ReturnType<typeof readOnlyFromNow> | null = null;
    try {
      const sale = await approvedSale(core, sandbox);
      const uuid = sale.solicitation!.uuid;
      readOnly = readOnlyFromNow(dataDir);
      console.info(`read-only test: ${readOnly.kind}`);
      const writesBefore = (await sequraWrites()).length;
      for (const [channel, request] of [
        ['sale.resendSms', { saleId: sale.id }],
        ['sale.confirm', { saleId: sale.id }],
      ] as const) {
        const result = await core.dispatch(channel, request, true);
        expect(!result.ok && result.error.code, channel).toBe('storage_read_only');
      }
      expect((await sequraWrites()).slice(writesBefore)).toEqual([]);
      expect((await current())?.step).toBe('awaiting_approval');

      // Writable again: the same press, no restart.
      readOnly.undo();
      readOnly = null;
      await call(core, 'sale.confirm', { saleId: sale.id });
      await waitFor(current, (s) => s?.id === sale.id && s.step === 'done', 20_000);
      expect((await sandboxOrder(sandbox, uuid)).confirmed_count).toBe(1);
      await core.stop();
      core = await startCore({ dataDir, sandbox });
      expect(storedSales<SaleRecord>(dataDir).find((s) => s.id === sale.id)?.step).toBe('done');
    } finally {
      readOnly?.undo();
      await core.stop();
      removeDir(dataDir);
    }
  }, 60_000);

  it('keeps a queued confirmation from SeQura while the folder is read-only, and sends it by itself after', async () => {
    const dataDir = makeDataDir('read-only-queued-');
    const core = await startCore({ dataDir, sandbox });
    const current = async () => (await call<{ sale: SaleRecord | null }>(core, 'sale.current')).sale;
    let readOnly: ReturnType<typeof readOnlyFromNow> | null = null;
    try {
      const sale = await approvedSale(core, sandbox);
      const uuid = sale.solicitation!.uuid;
      // SeQura cannot be reached when the cashier confirms: the confirmation waits in the outbox.
      await setFaults(sandbox, { match: 'PUT /orders', reset_before_rate: 1 });
      expect((await call<SaleRecord>(core, 'sale.confirm', { saleId: sale.id })).step).toBe('confirming');
      readOnly = readOnlyFromNow(dataDir);
      const writesBefore = (await sequraWrites()).length;
      await setFaults(sandbox, null);
      await new Promise((resolve) => setTimeout(resolve, 4_000));
      expect((await sequraWrites()).slice(writesBefore)).toEqual([]);
      expect((await sandboxOrder(sandbox, uuid)).confirmed_count).toBe(0);

      readOnly.undo();
      readOnly = null;
      await waitFor(current, (s) => s?.id === sale.id && s.step === 'done', 20_000);
      expect((await sandboxOrder(sandbox, uuid)).confirmed_count).toBe(1);
    } finally {
      readOnly?.undo();
      await setFaults(sandbox, null);
      await core.stop();
      removeDir(dataDir);
    }
  }, 60_000);
});
