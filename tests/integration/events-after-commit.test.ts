import Database from 'better-sqlite3';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startSandbox, type RunningSandbox } from '../../sandbox/index.ts';
import type { SaleRecord } from '../../shared/sale/sale-record.ts';
import { CART, SHOPPER, call, makeDataDir, removeDir, shopper, startCore, waitFor } from '../support/till.ts';

// What the page is told never runs ahead of the disk: when a sale.changed event goes out, another reader of
// the till database (a crash right then, a second connection) already finds that step committed.
let sandbox: RunningSandbox;
let dataDir: string;

beforeAll(async () => {
  sandbox = await startSandbox({ port: 0, quiet: true });
  dataDir = makeDataDir();
});
afterAll(async () => {
  await sandbox.close();
  removeDir(dataDir);
});

it('emits sale.changed only after the step it carries is committed', async () => {
  const core = await startCore({ dataDir, sandbox });
  const reader = new Database(join(dataDir, 'till.db'), { readonly: true });
  const storedStep = reader.prepare<[string], { step: string }>('SELECT step FROM sales WHERE id = ?');
  const seen: Array<{ emitted: string; stored: string | null }> = [];
  const unsubscribe = core.onEvent((event, payload) => {
    if (event !== 'sale.changed') return;
    const sale = payload as SaleRecord;
    seen.push({ emitted: sale.step, stored: storedStep.get(sale.id)?.step ?? null });
  });
  try {
    const sale = await call<SaleRecord>(core, 'sale.create');
    await call(core, 'sale.saveDraft', { saleId: sale.id, stage: 'shopper', cart: CART, shopper: SHOPPER });
    await call(core, 'sale.start', { saleId: sale.id });
    const awaiting = await call<SaleRecord>(core, 'sale.sendSms', { saleId: sale.id, product: 'pp3', campaign: null });
    await shopper(sandbox, awaiting.solicitation!.uuid, 'approve');
    await call(core, 'sale.confirm', { saleId: sale.id });
    await waitFor(
      async () => (await call<{ sale: SaleRecord | null }>(core, 'sale.current')).sale,
      (s) => s?.step === 'done',
    );
    expect(seen.map((s) => s.emitted)).toEqual(expect.arrayContaining(['confirming', 'done']));
    expect(seen.filter((s) => s.stored !== s.emitted)).toEqual([]);
  } finally {
    unsubscribe();
    reader.close();
    await core.stop();
  }
});
