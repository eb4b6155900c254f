// After a full sale with a real shopper's data, no NIN, phone, e-mail, name, date of birth or address reaches
// the log files, the audit log or the diagnostics bundle — and the bundle still holds what support needs.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Core } from '../../electron/core/app-core.ts';
import { startSandbox, type RunningSandbox } from '../../sandbox/index.ts';
import type { SaleRecord } from '../../shared/sale/sale-record.ts';
import {
  CART,
  SHOPPER,
  auditLines,
  call,
  makeDataDir,
  removeDir,
  shopper,
  startCore,
  storedSales,
  waitFor,
} from '../support/till.ts';

const SHOPPER_WITH_ADDRESS = {
  ...SHOPPER,
  ninControl: '',
  address: { line1: 'Calle Falsa 123', line2: '2º B', postalCode: '08013', city: 'Barcelona' },
};

const TYPO_NIN = '23232323X';

/** Every shape the shopper's data could take in a file. */
const PERSONAL = [
  SHOPPER.nin,
  TYPO_NIN,
  SHOPPER.nin.toLowerCase(),
  SHOPPER.email,
  SHOPPER.givenNames,
  'María',
  SHOPPER.firstSurname,
  SHOPPER.secondSurname,
  SHOPPER.dateOfBirth,
  '612 345 678',
  '612345678',
  '+34612345678',
  'Calle Falsa',
  '08013',
];

let sandbox: RunningSandbox;
let core: Core;
const dataDir = makeDataDir('sequra-pos-redaction-');

beforeAll(async () => {
  sandbox = await startSandbox({ port: 0, quiet: true, reviewDelayMs: 50 });
  core = await startCore({ dataDir, sandbox });
});
afterAll(async () => {
  await core.stop();
  await sandbox.close();
  removeDir(dataDir);
});

function filesUnder(dir: string): string[] {
  try {
    return readdirSync(dir).map((f) => join(dir, f));
  } catch {
    return [];
  }
}

describe('redaction', () => {
  it('a full sale and a refused start leave no personal data in logs, audit or diagnostics', async () => {
    const draft = await call<SaleRecord>(core, 'sale.create');
    // An error path first: a mistyped NIN is refused (the till logs and answers with field codes).
    await call(core, 'sale.saveDraft', {
      saleId: draft.id,
      stage: 'shopper',
      cart: CART,
      shopper: { ...SHOPPER_WITH_ADDRESS, nin: TYPO_NIN },
    });
    expect((await core.dispatch('sale.start', { saleId: draft.id }, true)).ok).toBe(false);
    await call(core, 'sale.saveDraft', {
      saleId: draft.id,
      stage: 'shopper',
      cart: CART,
      shopper: SHOPPER_WITH_ADDRESS,
    });
    const started = await call<SaleRecord>(core, 'sale.start', { saleId: draft.id });
    const awaiting = await call<SaleRecord>(core, 'sale.sendSms', {
      saleId: started.id,
      product: 'pp3',
      campaign: null,
    });
    await shopper(sandbox, awaiting.solicitation!.uuid, 'approve');
    await call(core, 'sale.confirm', { saleId: awaiting.id });
    await waitFor(
      async () => (await call<{ sale: SaleRecord }>(core, 'sale.current')).sale!,
      (s) => s.step === 'done',
    );

    await call(core, 'session.elevate', { managerPin: '482915' });
    const auditExport = await call<{ path: string }>(core, 'audit.export');
    const diagnostics = await call<{ path: string; entries: number }>(core, 'diagnostics.export');

    const files = [...filesUnder(join(dataDir, 'logs')), auditExport.path, diagnostics.path];
    expect(files.length).toBeGreaterThanOrEqual(3);
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      for (const value of PERSONAL) expect(text, `${value} in ${file}`).not.toContain(value);
    }
    const audit = auditLines(dataDir).join('\n');
    expect(audit).toContain('sale.confirm');
    for (const value of PERSONAL) expect(audit, `${value} in the audit log`).not.toContain(value);

    // The sale's data IS in the database (it is needed until the purge): the test would catch a leak.
    expect(JSON.stringify(storedSales(dataDir))).toContain(SHOPPER.nin);

    // What support needs is there.
    const bundle = JSON.parse(readFileSync(diagnostics.path, 'utf8'));
    expect(bundle).toMatchObject({
      kind: 'sequra-pos-diagnostics',
      app: { version: '0.0.0-test' },
      till: { mode: 'live', storeRef: 'TIENDA-01', tillId: '03' },
      configuration: { state: 'ok', values: { sequra: { merchantId: 'pos_demo_es' } } },
      credentials: { stored: true },
    });
    expect(bundle.os.platform).toBe(process.platform);
    const calls = bundle.sequraCalls as Array<{
      method: string;
      path: string;
      status: number | null;
      durationMs: number;
      uuid: string | null;
    }>;
    expect(diagnostics.entries).toBe(calls.length);
    expect(calls).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ method: 'POST', path: '/orders', status: 204, uuid: awaiting.solicitation!.uuid }),
        expect.objectContaining({
          method: 'POST',
          path: `/orders/${awaiting.solicitation!.uuid}/form_deliveries`,
          status: 204,
        }),
        expect.objectContaining({ method: 'PUT', path: `/orders/${awaiting.solicitation!.uuid}` }),
        expect.objectContaining({ method: 'GET', path: '/merchants/credentials', status: 200 }),
      ]),
    );
    expect(calls.every((c) => typeof c.durationMs === 'number')).toBe(true);
    expect(JSON.stringify(calls)).not.toMatch(/Authorization|Basic /);
    expect(bundle.network.history.length).toBeGreaterThanOrEqual(1);
    expect(Array.isArray(bundle.outbox.items)).toBe(true);
    expect(bundle.logTail.length).toBeGreaterThan(0);
  });
});
