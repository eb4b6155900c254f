import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReceiptPrintJob } from '../../electron/core/core-types.ts';
import { startSandbox, type RunningSandbox } from '../../sandbox/index.ts';
import type { TillStatus } from '../../shared/ipc/status-schemas.ts';
import { call, callError, makeDataDir, removeDir, startCore, tillConfigFor } from '../support/till.ts';

// Slips go to the configured receipt printer silently from main; without one the renderer is told to use
// the print dialog. Electron's webContents.print cannot run here: the print capability main injects is the
// only stand-in, and everything around it (config, IPC contract, access, status) is the real core.
describe('receipt printing', () => {
  let sandbox: RunningSandbox;
  beforeAll(async () => {
    sandbox = await startSandbox({ port: 0, quiet: true });
  });
  afterAll(async () => {
    await sandbox.close();
  });

  it('prints silently on the configured printer with its roll width and copies', async () => {
    const dataDir = makeDataDir();
    const jobs: ReceiptPrintJob[] = [];
    const core = await startCore({
      dataDir,
      sandbox,
      config: tillConfigFor(sandbox, { receiptPrinter: { name: 'EPSON TM-T20III', paperWidthMm: 58, copies: 2 } }),
      printReceipt: async (job) => void jobs.push(job),
    });
    try {
      const status = await call<TillStatus>(core, 'app.getStatus');
      expect(status.policy.receipt).toEqual({ printerConfigured: true, paperWidthMm: 58 });
      expect(await call(core, 'print.receipt', { heightMm: 120 })).toEqual({ printed: true });
      expect(jobs).toEqual([{ deviceName: 'EPSON TM-T20III', copies: 2, paperWidthMm: 58, heightMm: 120 }]);
    } finally {
      await core.stop();
      removeDir(dataDir);
    }
  });

  it('says "not printed" without a configured printer, and reports a printer failure', async () => {
    const dataDir = makeDataDir();
    const core = await startCore({ dataDir, sandbox, printReceipt: async () => undefined });
    try {
      expect(await call(core, 'print.receipt', { heightMm: 120 })).toEqual({ printed: false });
    } finally {
      await core.stop();
      removeDir(dataDir);
    }
    const failing = makeDataDir();
    const broken = await startCore({
      dataDir: failing,
      sandbox,
      config: tillConfigFor(sandbox, { receiptPrinter: { name: 'Off' } }),
      printReceipt: async () => {
        throw new Error('printer is off');
      },
    });
    try {
      expect(await callError(broken, 'print.receipt', { heightMm: 120 })).toMatchObject({ code: 'internal' });
    } finally {
      await broken.stop();
      removeDir(failing);
    }
  });

  it('refuses a bad receiptPrinter key in the machine configuration', async () => {
    const { loadMachineConfig } = await import('../../electron/core/config/machine-config.ts');
    const { writeFileSync } = await import('node:fs');
    const dataDir = makeDataDir();
    const path = `${dataDir}/config.json`;
    writeFileSync(path, JSON.stringify(tillConfigFor(sandbox, { receiptPrinter: { name: 'X', paperWidthMm: 76 } })));
    const loaded = loadMachineConfig(path);
    expect(loaded.kind).toBe('invalid');
    removeDir(dataDir);
  });
});
