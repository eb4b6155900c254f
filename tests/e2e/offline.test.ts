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

  it('a start SeQura could not take waits until its Retry-After, says until when, and goes by itself once', async () => {
    // 429: SeQura answered "not now", so nothing was created and the till may send it again by itself, once,
    // not before the time SeQura gave.
    const step = await enterSaleAndStart({ match: 'POST /orders$', rate_limit_rate: 1, retry_after_s: 4 });
    expect(step).toBe('start_queued');
    await f.page.getByTestId('sale-wait-until').waitFor();
    expect(await f.page.getByTestId('sale-wait-until').innerText()).toMatch(/SeQura ha pedido esperar hasta las \d/);
    await screenshot(f.page, 'offline-start-queued');
    await setFaults(f.sandbox, null);
    // No click: the first successful probe after the Retry-After sends the queued start.
    await atStep('choose_product', 15_000);
    expect(await ordersWithSms()).toBe(0);
    const posts = (await (await fetch(`${f.sandbox.baseUrl}/__sandbox/requests`)).json()) as Array<{
      method: string;
      path: string;
      before_retry_after: boolean;
    }>;
    expect(posts.filter((r) => r.method === 'POST' && r.path === '/orders')).toHaveLength(2);
    expect(posts.some((r) => r.before_retry_after)).toBe(false);
  });

  it('a product list that failed loads again on the same solicitation, with the screen saying until when', async () => {
    const step = await enterSaleAndStart({ match: 'GET /orders/', rate_limit_rate: 1, retry_after_s: 6 });
    expect(step).toBe('choose_product');
    const loadAgain = f.page.getByTestId('product-load-again');
    await loadAgain.waitFor();
    expect(await f.page.getByTestId('product-load-failed').isVisible()).toBe(true);
    expect(await f.page.getByTestId('sale-wait-until').innerText()).toMatch(/SeQura ha pedido esperar hasta las \d/);
    expect(await loadAgain.isDisabled()).toBe(true);
    await screenshot(f.page, 'product-list-load-again');
    await setFaults(f.sandbox, null);
    await expect.poll(() => loadAgain.isDisabled(), { timeout: 10_000 }).toBe(false);
    await loadAgain.click();
    await f.page.getByTestId('product-options').waitFor({ timeout: 15_000 });
    const orders = (await (await fetch(`${f.sandbox.baseUrl}/__sandbox/orders`)).json()) as unknown[];
    expect(orders).toHaveLength(1);
  });
});
