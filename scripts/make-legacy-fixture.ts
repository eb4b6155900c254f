// Writes tests/fixtures/legacy-data-0.1.0/: a data folder exactly as version 0.1.0 (JSON files: journal,
// outbox, monthly history, operators, PIN attempts, audit log) left it after a morning of selling against the
// sandbox. It was produced once, with the 0.1.0 code, before the database replaced those files; the import
// test (tests/integration/legacy-import.test.ts) starts the current till on a copy of it. Kept as the
// record of how the folder was made; re-running it on today's code would no longer write the old files.
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startSandbox } from '../sandbox/index.ts';
import type { SaleRecord } from '../shared/sale/sale-record.ts';
import { CART, SHOPPER, call, callError, setFaults, shopper, startCore, waitFor } from '../tests/support/till.ts';
import { parseScriptArgs } from './script-args.ts';

parseScriptArgs({
  command: 'npx tsx scripts/make-legacy-fixture.ts',
  summary: 'Rewrites tests/fixtures/legacy-data-0.1.0/ from a morning of selling (only meaningful on the 0.1.0 code).',
  options: {},
});

const target = resolve('tests/fixtures/legacy-data-0.1.0');
const dataDir = mkdtempSync(join(tmpdir(), 'legacy-fixture-'));
const sandbox = await startSandbox({ port: 0, quiet: true });
const core = await startCore({ dataDir, sandbox });

async function toApproval(mobile: string): Promise<SaleRecord> {
  const created = await call<SaleRecord>(core, 'sale.create');
  await call(core, 'sale.saveDraft', {
    saleId: created.id,
    stage: 'shopper',
    cart: CART,
    shopper: { ...SHOPPER, mobile },
  });
  const started = await call<SaleRecord>(core, 'sale.start', { saleId: created.id });
  return call<SaleRecord>(core, 'sale.sendSms', { saleId: started.id, product: 'pp3', campaign: null });
}

// Three sales handed over and closed: history.
for (const mobile of ['612 345 601', '612 345 602', '612 345 603']) {
  const sale = await toApproval(mobile);
  await shopper(sandbox, sale.solicitation!.uuid, 'approve');
  await call(core, 'sale.confirm', { saleId: sale.id });
  await waitFor(
    async () => (await call<{ sale: SaleRecord }>(core, 'sale.current')).sale!,
    (s) => s.step === 'done',
  );
  await call(core, 'sale.close', { saleId: sale.id });
}
// One sale whose confirmation is queued in the outbox while SeQura is unreachable.
const queued = await toApproval('612 345 604');
await shopper(sandbox, queued.solicitation!.uuid, 'approve');
await setFaults(sandbox, { partition_s: 600 });
await call(core, 'sale.confirm', { saleId: queued.id });
// Another operator, and a wrong PIN recorded against them.
await call(core, 'session.elevate', { managerPin: '482915' });
await call(core, 'operators.create', { id: 'C2', displayName: 'Luis', role: 'cashier', pin: '730561' });
await call(core, 'session.lock');
await callError(core, 'session.signIn', { operatorId: 'C2', pin: '000000' });
await call(core, 'session.signIn', { operatorId: 'T900', pin: '482915' });
// The next sale being typed while that confirmation waits (drafts are saved offline too).
const draft = await call<SaleRecord>(core, 'sale.create');
await call(core, 'sale.saveDraft', {
  saleId: draft.id,
  stage: 'shopper',
  cart: CART,
  shopper: { ...SHOPPER, mobile: '612 345 605' },
});
await core.stop();
await sandbox.close();

rmSync(target, { recursive: true, force: true });
cpSync(dataDir, target, { recursive: true, filter: (path) => !path.includes(`${join(dataDir, 'logs')}`) });
rmSync(dataDir, { recursive: true, force: true });
console.log(`Wrote ${target}`);
