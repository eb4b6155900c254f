import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright';
import type { RunningSandbox } from '../../electron/core/sandbox/server.ts';
import type { SaleRecord } from '../../shared/sale/sale-record.ts';
import { CART, SHOPPER, call, sandboxOrder, setFaults, shopper } from '../support/till.ts';
import { launchBrowser, makeDataDir, removeDir, screenshot, startStandaloneSandbox, startTill, type RunningTill } from './harness.ts';

// What the cashier sees when SeQura cannot be reached: the truth (pill, pending list), work kept, and
// everything finishing by itself, exactly once, when SeQura answers again. The sandbox's partition fault
// drops every connection to its SeQura endpoints for a few seconds.
let sandbox: RunningSandbox;
let browser: Browser;
let till: RunningTill;
let page: Page;
let dataDir: string;

beforeAll(async () => {
  sandbox = await startStandaloneSandbox();
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await sandbox?.close();
});
beforeEach(async () => {
  await fetch(`${sandbox.baseUrl}/__sandbox/reset`, { method: 'POST' });
  dataDir = makeDataDir();
  till = await startTill({ dataDir, sandbox });
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
});
afterEach(async () => {
  await setFaults(sandbox, null);
  await page?.close();
  await till?.stop();
  removeDir(dataDir);
});

const pill = () => page.getByTestId('connectivity-pill');
const atStep = (name: string, timeout = 15_000) => page.locator(`[data-testid="sale-step"][data-step="${name}"]`).waitFor({ timeout });

describe('when SeQura cannot be reached', () => {
  it('shows the outage and the queued confirmation, then clears both when the confirmation lands once', async () => {
    // Up to the phone check through the contract (the sale screens themselves are covered in sale-flow).
    const created = await call<SaleRecord>(till.core, 'sale.create');
    await call(till.core, 'sale.saveDraft', { saleId: created.id, stage: 'shopper', cart: CART, shopper: SHOPPER });
    const solicited = await call<SaleRecord>(till.core, 'sale.start', { saleId: created.id });
    await call(till.core, 'sale.sendSms', { saleId: created.id, product: 'pp3', campaign: null });
    const uuid = solicited.solicitation!.uuid;
    await shopper(sandbox, uuid, 'approve');

    await page.goto(till.url);
    await atStep('awaiting_approval');
    await expect.poll(() => pill().getAttribute('data-state')).toBe('online');

    await setFaults(sandbox, { partition_s: 6 });
    await page.getByTestId('approval-confirm').click();
    await atStep('confirming');
    await expect.poll(() => pill().getAttribute('data-state'), { timeout: 10_000 }).not.toBe('online');
    expect(await pill().innerText()).toMatch(/SeQura no responde|Sin conexión/);
    await expect.poll(() => page.getByTestId('pending-count').innerText()).toMatch(/^1 pendiente/);
    await page.getByTestId('nav-pending').click();
    const item = page.getByTestId('pending-item');
    await item.waitFor();
    expect(await item.getAttribute('data-kind')).toBe('confirm');
    await screenshot(page, 'offline-pending-list');

    // The partition heals: the probe sees SeQura, the outbox wakes, the confirmation lands once.
    await expect.poll(() => pill().getAttribute('data-state'), { timeout: 20_000 }).toBe('online');
    await expect.poll(() => page.getByTestId('pending-count').count(), { timeout: 15_000 }).toBe(0);
    await expect.poll(async () => (await sandboxOrder(sandbox, uuid)).state, { timeout: 15_000 }).toBe('shipped');
    expect((await sandboxOrder(sandbox, uuid)).confirmed_count).toBe(1);
    await page.getByTestId('nav-sale').click();
    await atStep('done');
  });

  async function enterSaleAndStart(): Promise<string> {
    await page.goto(till.url);
    await page.locator('[data-testid="sale-step"]').waitFor();
    if ((await page.getAttribute('[data-testid="sale-step"]', 'data-step')) === 'none') await page.getByTestId('sale-new').click();
    await page.getByLabel('Referencia', { exact: true }).fill('8412345678901');
    await page.getByLabel('Descripción', { exact: true }).fill('Sofá 3 plazas');
    await page.getByLabel('Precio (IVA incl.)').fill('499,00');
    await page.getByTestId('cart-add-line').click();
    await page.getByTestId('cart-continue').click();
    await page.getByLabel('Nombre', { exact: true }).fill('María José');
    await page.getByLabel('Primer apellido').fill('García');
    await page.getByLabel('Segundo apellido').fill('López');
    await page.getByLabel('DNI / NIE').fill('23232323T');
    await page.getByLabel('Fecha de nacimiento', { exact: false }).fill('17/05/1990');
    await page.getByLabel('Móvil').fill('612 345 678');
    await page.getByLabel('Email').fill('maria@example.com');
    await page.getByTestId('shopper-start').click();
    const stepNow = () => page.locator('[data-testid="sale-step"]').getAttribute('data-step');
    await expect.poll(stepNow, { timeout: 15_000 }).not.toMatch(/^(draft|starting)$/);
    return (await stepNow()) ?? '';
  }

  async function ordersWithSms(): Promise<number> {
    const orders = (await (await fetch(`${sandbox.baseUrl}/__sandbox/orders`)).json()) as Array<{ sms_sent: number }>;
    return orders.filter((o) => o.sms_sent > 0).length;
  }

  it('a start whose answer was lost is never SMSed; the cashier retries once SeQura answers, as a fresh solicitation', async () => {
    // The sandbox's partition reads the request and drops the connection: the till cannot know whether
    // SeQura created the order.
    await setFaults(sandbox, { partition_s: 4 });
    const step = await enterSaleAndStart();
    expect(step).toBe('start_uncertain');
    await screenshot(page, 'offline-start-uncertain');
    expect(await ordersWithSms()).toBe(0);
    await expect.poll(() => pill().getAttribute('data-state'), { timeout: 15_000 }).toBe('online');
    await page.getByTestId('start-retry').click();
    await atStep('choose_product');
    const answer = await till.core.dispatch('sale.current', {}, true);
    expect(answer.ok && (answer.data as { sale: SaleRecord }).sale.attempt).toBe(2);
  });

  it('a start SeQura could not take waits and goes by itself when SeQura answers again', async () => {
    // 5xx: SeQura answered "not now", so nothing was created and the till may send it again by itself.
    await setFaults(sandbox, { match: 'POST /orders$', error_rate: 1 });
    const step = await enterSaleAndStart();
    expect(step).toBe('start_queued');
    await screenshot(page, 'offline-start-queued');
    await setFaults(sandbox, null);
    // No click: the next successful probe sends the queued start.
    await atStep('choose_product', 15_000);
    expect(await ordersWithSms()).toBe(0);
  });
});
