import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Core } from '../../electron/core/app-core.ts';
import { startSandbox, type RunningSandbox } from '../../sandbox/index.ts';
import type { SaleRecord } from '../../shared/sale/sale-record.ts';
import type { TillStatus } from '../../shared/ipc/status-schemas.ts';
import {
  auditEntries,
  CART,
  SHOPPER,
  call,
  makeDataDir,
  removeDir,
  sandboxRequests,
  shopper,
  startCore,
  TEST_MANAGER,
  TRAINING_CASHIER,
  TRAINING_MANAGER,
  waitFor,
} from '../support/till.ts';

// PIN guessing by parallel requests: whatever arrives at once, a key (one operator, or "any manager PIN") never
// has more PINs checked than its attempt limit (5), and the till as a whole never more than its own (15). Each
// burst is 60 wrong PINs and the right one, sent together through the dispatcher as a hostile renderer (or a
// script on the preview host's socket) would; the right one must be refused like the rest.
const LOCK_AFTER = 5;
const TILL_WIDE_LOCK_AFTER = 15;

let dataDir: string;
let core: Core;
beforeEach(() => {
  dataDir = makeDataDir('sequra-pos-bursts-');
});
afterEach(async () => {
  await core?.stop();
  removeDir(dataDir);
});

function wrongPins(count: number, right: string): string[] {
  const pins: string[] = [];
  for (let n = 100_000; pins.length < count; n += 7919) if (String(n) !== right) pins.push(String(n).slice(0, 6));
  return pins;
}

/** How many PINs were actually checked: every check that failed leaves 'wrong_pin' in the audit log. */
function checkedWrongPins(action: string): number {
  return auditEntries(dataDir).filter(
    (e) =>
      e.action === action &&
      e.outcome === 'refused' &&
      typeof e.detail === 'string' &&
      e.detail.startsWith('wrong_pin'),
  ).length;
}

async function burst(channel: string, requests: unknown[]) {
  return Promise.all(requests.map((request) => core.dispatch(channel, request, true)));
}

describe('PIN bursts in training mode', () => {
  it('sign-in: 60 wrong PINs and the right one at once → at most 5 checked, the right one refused', async () => {
    core = await startCore({ dataDir, signIn: false });
    const requests = [
      ...wrongPins(60, TRAINING_CASHIER.pin).map((pin) => ({ operatorId: TRAINING_CASHIER.operatorId, pin })),
      TRAINING_CASHIER,
    ];
    const results = await burst('session.signIn', requests);
    expect(results.every((r) => !r.ok)).toBe(true);
    expect(checkedWrongPins('session.sign_in')).toBeLessThanOrEqual(LOCK_AFTER);
    expect((await call<TillStatus>(core, 'app.getStatus')).session).toBeFalsy();
  });

  it('sign-in across 60 operator ids at once → at most 15 checked till-wide', async () => {
    core = await startCore({ dataDir, signIn: false });
    const requests = [
      ...Array.from({ length: 60 }, (_, i) => ({ operatorId: `X${String(i).padStart(3, '0')}`, pin: '482915' })),
      TRAINING_CASHIER,
    ];
    await burst('session.signIn', requests);
    expect(checkedWrongPins('session.sign_in')).toBeLessThanOrEqual(TILL_WIDE_LOCK_AFTER);
  });

  it('unlock: 60 wrong PINs and the right one at once → the till stays locked', async () => {
    core = await startCore({ dataDir, signIn: false });
    await call(core, 'session.signIn', TRAINING_CASHIER);
    await call(core, 'session.lock');
    const results = await burst('session.unlock', [
      ...wrongPins(60, TRAINING_CASHIER.pin).map((pin) => ({ pin })),
      { pin: TRAINING_CASHIER.pin },
    ]);
    expect(results.every((r) => !r.ok)).toBe(true);
    expect(checkedWrongPins('session.unlock')).toBeLessThanOrEqual(LOCK_AFTER);
  });

  it('settings (manager PIN elevation): 60 wrong PINs and the right one at once → not elevated', async () => {
    core = await startCore({ dataDir, signIn: false });
    await call(core, 'session.signIn', TRAINING_CASHIER);
    const results = await burst('session.elevate', [
      ...wrongPins(60, TRAINING_MANAGER.pin).map((managerPin) => ({ managerPin })),
      { managerPin: TRAINING_MANAGER.pin },
    ]);
    expect(results.every((r) => !r.ok)).toBe(true);
    expect(checkedWrongPins('manager.settings.open')).toBeLessThanOrEqual(LOCK_AFTER);
    expect((await call<TillStatus>(core, 'app.getStatus')).session?.elevated).toBe(false);
  });
});

describe('manager PIN burst on a return (live till against the sandbox)', () => {
  let sandbox: RunningSandbox;
  beforeAll(async () => {
    sandbox = await startSandbox({ port: 0, quiet: true, reviewDelayMs: 200 });
  });
  afterAll(async () => {
    await sandbox.close();
  });

  it('60 wrong manager PINs and the right one at once → at most 5 checked, nothing sent to SeQura', async () => {
    core = await startCore({ dataDir, sandbox });
    const created = await call<SaleRecord>(core, 'sale.create');
    await call(core, 'sale.saveDraft', { saleId: created.id, stage: 'shopper', cart: CART, shopper: SHOPPER });
    const started = await call<SaleRecord>(core, 'sale.start', { saleId: created.id });
    const option = started.paymentOptions!.find((o) => o.product === 'pp3')!;
    const awaiting = await call<SaleRecord>(core, 'sale.sendSms', {
      saleId: created.id,
      product: 'pp3',
      campaign: option.campaign,
    });
    await shopper(sandbox, awaiting.solicitation!.uuid, 'approve');
    await call(core, 'sale.confirm', { saleId: created.id });
    await waitFor(
      async () =>
        (
          await call<{ sale: SaleRecord & { pendingInstructions: number } }>(core, 'afterSale.detail', {
            saleId: created.id,
          })
        ).sale,
      (sale) => sale.step === 'done' && sale.pendingInstructions === 0,
    );
    const putsBefore = (await sandboxRequests(sandbox)).filter((r) => r.method === 'PUT').length;
    const request = (managerPin: string, index: number) => ({
      saleId: created.id,
      requestId: `burst-${index}`,
      managerPin,
      lines: [{ lineId: 'l2', quantity: 1 }],
      refunds: [],
    });
    const results = await burst('afterSale.return', [
      ...wrongPins(60, TEST_MANAGER.pin).map(request),
      request(TEST_MANAGER.pin, 60),
    ]);
    expect(results.every((r) => !r.ok)).toBe(true);
    expect(checkedWrongPins('manager.sale.return')).toBeLessThanOrEqual(LOCK_AFTER);
    expect((await sandboxRequests(sandbox)).filter((r) => r.method === 'PUT').length).toBe(putsBefore);
  });
});
