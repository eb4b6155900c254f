import { describe, expect, it } from 'vitest';
import type { SaleRecord } from '../../shared/sale/sale-record.ts';
import { CART, SHOPPER, call, sandboxOrder, setFaults, shopper } from '../support/till.ts';
import { addLine, fillShopper, openSale, useSaleFixture } from './cashier-ui.ts';
import { screenshot } from './harness.ts';

// What the cashier sees when SeQura cannot be reached: the truth (pill, pending list), work kept, and
// everything finishing by itself, exactly once, when SeQura answers again. The sandbox's partition fault
// drops every connection to its SeQura endpoints for a few seconds.
const f = useSaleFixture();

const pill = () => f.page.getByTestId('connectivity-pill');
const atStep = (name: string, timeout = 15_000) =>
  f.page.locator(`[data-testid="sale-step"][data-step="${name}"]`).waitFor({ timeout });

describe('when SeQura cannot be reached', () => {
  it('shows the outage and the queued confirmation, then clears both when the confirmation lands once', async () => {
    // Up to the phone check through the contract (the sale screens themselves are covered in sale-flow).
    const created = await call<SaleRecord>(f.till.core, 'sale.create');
    await call(f.till.core, 'sale.saveDraft', { saleId: created.id, stage: 'shopper', cart: CART, shopper: SHOPPER });
    const solicited = await call<SaleRecord>(f.till.core, 'sale.start', { saleId: created.id });
    await call(f.till.core, 'sale.sendSms', { saleId: created.id, product: 'pp3', campaign: null });
    const uuid = solicited.solicitation!.uuid;
    await shopper(f.sandbox, uuid, 'approve');

    await f.page.goto(f.till.url);
    await atStep('awaiting_approval');
    await expect.poll(() => pill().getAttribute('data-state')).toBe('online');

    await setFaults(f.sandbox, { partition_s: 6 });
    await f.page.getByTestId('approval-confirm').click();
    await atStep('confirming');
    await expect.poll(() => pill().getAttribute('data-state'), { timeout: 10_000 }).not.toBe('online');
    expect(await pill().innerText()).toMatch(/SeQura no responde|Sin conexión/);
    await expect.poll(() => f.page.getByTestId('pending-count').innerText()).toMatch(/^1 pendiente/);
    await f.page.getByTestId('nav-pending').click();
    const item = f.page.getByTestId('pending-item');
    await item.waitFor();
    expect(await item.getAttribute('data-kind')).toBe('confirm');
    await screenshot(f.page, 'offline-pending-list');

    // The partition heals: the probe sees SeQura, the outbox wakes, the confirmation lands once.
    await expect.poll(() => pill().getAttribute('data-state'), { timeout: 20_000 }).toBe('online');
    await expect.poll(() => f.page.getByTestId('pending-count').count(), { timeout: 15_000 }).toBe(0);
    await expect.poll(async () => (await sandboxOrder(f.sandbox, uuid)).state, { timeout: 15_000 }).toBe('shipped');
    expect((await sandboxOrder(f.sandbox, uuid)).confirmed_count).toBe(1);
    await f.page.getByTestId('nav-sale').click();
    await atStep('done');
  });

  /** Fills the sale, then sets the sandbox's faults just before the start: a timed fault (a partition) set
   * before typing the sale could be over by the time the start is sent on a loaded machine. */
  async function enterSaleAndStart(faults: Record<string, unknown>): Promise<string> {
    await openSale(f.page, f.till.url);
    await addLine(f.page, { reference: '8412345678901', name: 'Sofá 3 plazas', price: '499,00' });
    await fillShopper(f.page);
    await setFaults(f.sandbox, faults);
    await f.page.getByTestId('shopper-start').click();
    const stepNow = () => f.page.locator('[data-testid="sale-step"]').getAttribute('data-step');
    await expect.poll(stepNow, { timeout: 15_000 }).not.toMatch(/^(draft|starting)$/);
    return (await stepNow()) ?? '';
  }

  async function ordersWithSms(): Promise<number> {
    const orders = (await (await fetch(`${f.sandbox.baseUrl}/__sandbox/orders`)).json()) as Array<{ sms_sent: number }>;
    return orders.filter((o) => o.sms_sent > 0).length;
  }

  it('a start whose answer was lost is never SMSed; the cashier retries once SeQura answers, as a fresh solicitation', async () => {
    // The sandbox's partition reads the request and drops the connection: the till cannot know whether
    // SeQura created the order.
    const step = await enterSaleAndStart({ partition_s: 4 });
    expect(step).toBe('start_uncertain');
    await screenshot(f.page, 'offline-start-uncertain');
    expect(await ordersWithSms()).toBe(0);
    await expect.poll(() => pill().getAttribute('data-state'), { timeout: 15_000 }).toBe('online');
    await f.page.getByTestId('start-retry').click();
    await atStep('choose_product');
    const answer = await f.till.core.dispatch('sale.current', {}, true);
    expect(answer.ok && (answer.data as { sale: SaleRecord }).sale.attempt).toBe(2);
  });

  it('a start SeQura could not take waits and goes by itself when SeQura answers again', async () => {
    // 5xx: SeQura answered "not now", so nothing was created and the till may send it again by itself.
    const step = await enterSaleAndStart({ match: 'POST /orders$', error_rate: 1 });
    expect(step).toBe('start_queued');
    await screenshot(f.page, 'offline-start-queued');
    await setFaults(f.sandbox, null);
    // No click: the next successful probe sends the queued start.
    await atStep('choose_product', 15_000);
    expect(await ordersWithSms()).toBe(0);
  });
});
