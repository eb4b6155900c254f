import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { startSandbox, type RunningSandbox } from '../../sandbox/index.ts';
import type { SaleRecord } from '../../shared/sale/sale-record.ts';
import {
  CART,
  SHOPPER,
  auditEntries,
  call,
  callError,
  makeDataDir,
  removeDir,
  saleAwaitingApproval,
  sandboxOrder,
  setFaults,
  shopper,
  startCore,
  waitFor,
  withTillDatabase,
} from '../support/till.ts';

// A cashier's step on a sale and its audit entry are one transaction: the outcome (sale row, outbox
// instruction) commits together with the line saying who did it, or neither does. Proven on the real database
// file: a trigger installed by the test refuses every audit insert, and the step must then leave no trace.
let sandbox: RunningSandbox;
let dataDir: string;

beforeAll(async () => {
  sandbox = await startSandbox({ port: 0, quiet: true });
});
afterAll(async () => {
  await sandbox.close();
});
afterEach(async () => {
  await setFaults(sandbox, null);
  removeDir(dataDir);
});

const REFUSE_AUDIT = `CREATE TRIGGER test_refuse_audit BEFORE INSERT ON audit_log
  BEGIN SELECT RAISE(ABORT, 'audit refused by the test'); END`;

function refuseAuditInserts(refuse: boolean): void {
  withTillDatabase(dataDir, (db) => db.exec(refuse ? REFUSE_AUDIT : 'DROP TRIGGER test_refuse_audit'));
}

function storedSale(id: string): { step: string; ticketNumber: string | null } {
  return withTillDatabase(dataDir, (db) => {
    const row = db.prepare('SELECT record FROM sales WHERE id = ?').get(id) as { record: string };
    return JSON.parse(row.record) as { step: string; ticketNumber: string | null };
  });
}

function outboxRowsOf(saleId: string): number {
  return withTillDatabase(
    dataDir,
    (db) => (db.prepare('SELECT COUNT(*) AS n FROM outbox WHERE sale_id = ?').get(saleId) as { n: number }).n,
  );
}

function auditOf(saleId: string): Array<{ action: string; outcome: string; detail: string | null }> {
  return auditEntries(dataDir)
    .filter((entry) => entry.target === `saleId:${saleId}`)
    .map((entry) => ({
      action: entry.action as string,
      outcome: entry.outcome as string,
      detail: (entry.detail as string | null) ?? null,
    }));
}

it('rolls a confirmation back (ticket, step, outbox instruction) when its audit entry cannot be written', async () => {
  dataDir = makeDataDir();
  const core = await startCore({ dataDir, sandbox });
  try {
    const sale = await saleAwaitingApproval(core);
    await shopper(sandbox, sale.solicitation!.uuid, 'approve');

    refuseAuditInserts(true);
    const error = await callError(core, 'sale.confirm', { saleId: sale.id });
    expect(error.code).not.toBe('conflict');
    // Nothing of the step is on disk, and SeQura was never asked: the outcome and its audit line are one write.
    expect(storedSale(sale.id)).toMatchObject({ step: 'awaiting_approval', ticketNumber: null });
    expect(outboxRowsOf(sale.id)).toBe(0);
    expect((await sandboxOrder(sandbox, sale.solicitation!.uuid)).confirmed_count).toBe(0);
    expect(auditOf(sale.id).filter((entry) => entry.action === 'sale.confirm')).toEqual([]);

    // The same press works once the audit log takes entries again, and leaves exactly one line.
    refuseAuditInserts(false);
    await call(core, 'sale.confirm', { saleId: sale.id });
    await waitFor(
      async () => (await call<{ sale: SaleRecord | null }>(core, 'sale.current')).sale,
      (current) => current?.step === 'done',
    );
    expect(auditOf(sale.id)).toEqual([
      { action: 'sale.start', outcome: 'ok', detail: null },
      { action: 'sale.sendSms', outcome: 'ok', detail: null },
      { action: 'sale.confirm', outcome: 'ok', detail: null },
    ]);
  } finally {
    await core.stop();
  }
});

it('rolls a cancellation back when its audit entry cannot be written', async () => {
  dataDir = makeDataDir();
  const core = await startCore({ dataDir, sandbox });
  try {
    const sale = await call<SaleRecord>(core, 'sale.create');
    refuseAuditInserts(true);
    await callError(core, 'sale.cancel', { saleId: sale.id });
    expect(storedSale(sale.id).step).toBe('draft');
    expect((await call<{ sale: SaleRecord | null }>(core, 'sale.current')).sale?.step).toBe('draft');
    refuseAuditInserts(false);
    await call(core, 'sale.cancel', { saleId: sale.id });
    expect(storedSale(sale.id).step).toBe('cancelled');
    expect(auditOf(sale.id).map((entry) => `${entry.action} ${entry.outcome}`)).toEqual(['sale.cancel ok']);
    // Creating a sale names none yet (its request has no sale id): one line all the same.
    expect(auditEntries(dataDir).filter((entry) => entry.action === 'sale.create')).toHaveLength(1);
  } finally {
    await core.stop();
  }
});

it('records a refused step once, in the transaction of the outcome it left on the sale', async () => {
  dataDir = makeDataDir();
  const core = await startCore({ dataDir, sandbox });
  try {
    const created = await call<SaleRecord>(core, 'sale.create');
    await call(core, 'sale.saveDraft', { saleId: created.id, stage: 'shopper', cart: CART, shopper: SHOPPER });
    // A 5xx to the POST: the order may exist at SeQura, so the sale is recorded as an uncertain start and the
    // cashier is told. The audit line of that press says refused, with the code the cashier saw.
    await setFaults(sandbox, { match: 'POST /orders', error_rate: 1 });
    refuseAuditInserts(true);
    const refusedWhileNoAudit = await callError(core, 'sale.start', { saleId: created.id });
    expect(refusedWhileNoAudit.code).not.toBe('conflict');
    // The write-ahead intent is its own transaction (committed before SeQura was called); the outcome is not.
    expect(storedSale(created.id).step).toBe('starting');
    refuseAuditInserts(false);
    await core.stop();

    const again = await startCore({ dataDir, sandbox });
    try {
      // After the restart the interrupted start is uncertain; pressing again is refused by the sandbox again.
      const error = await callError(again, 'sale.start', { saleId: created.id });
      expect(storedSale(created.id).step).toBe('start_uncertain');
      // A refusal before anything is written (a conflict) is still audited, by the dispatcher itself.
      const conflict = await callError(again, 'sale.sendSms', { saleId: created.id, product: 'pp3', campaign: null });
      expect(conflict.code).toBe('conflict');
      expect(auditOf(created.id)).toEqual([
        { action: 'sale.start', outcome: 'refused', detail: error.code },
        { action: 'sale.sendSms', outcome: 'refused', detail: 'conflict' },
      ]);
    } finally {
      await again.stop();
    }
  } catch (error) {
    await core.stop().catch(() => undefined);
    throw error;
  }
});
