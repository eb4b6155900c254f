import { describe, expect, it } from 'vitest';
import { sandboxOrder, sandboxRequests, setFaults, shopper } from '../support/till.ts';
import { addLine, fillShopper, openSale as openSaleAt, useSaleFixture } from './cashier-ui.ts';
import { screenshot, startTill } from './harness.ts';

// The cashier's sale through the real renderer, preview host and core, against the sandbox over loopback.
// The shopper's phone is the sandbox's control API (what the virtual phone page's buttons call).
const f = useSaleFixture();

const step = () => f.page.getByTestId('sale-step');
async function atStep(name: string, timeout = 15_000): Promise<void> {
  try {
    await step()
      .and(f.page.locator(`[data-step="${name}"]`))
      .waitFor({ timeout });
  } catch (error) {
    // Leave a picture of what the cashier saw instead of the expected step.
    await f.page.screenshot({ path: `.tmp/failed-${name}.png`, fullPage: true }).catch(() => undefined);
    throw error;
  }
}

const openSale = () => openSaleAt(f.page, f.till.url);

async function enterCart(): Promise<void> {
  await addLine(f.page, { reference: '8412345678901', name: 'Sofá 3 plazas', price: '499,00' });
  await addLine(f.page, { reference: '8412345678902', name: 'Cojín', price: '19,95', quantity: '2' });
  await expect.poll(() => f.page.getByTestId('cart-total-financed').innerText()).toContain('538,90');
}

async function enterShopper(overrides: { givenNames?: string } = {}): Promise<void> {
  await fillShopper(f.page, overrides);
  await expect.poll(() => f.page.getByTestId('mobile-readback').innerText()).toContain('678');
}

async function startAndChoose(product: string, shot?: string): Promise<string> {
  await f.page.getByTestId('shopper-start').click();
  await atStep('choose_product');
  await f.page.locator(`[data-testid="product-option"][data-product="${product}"]`).click();
  if (shot) await screenshot(f.page, shot);
  await f.page.getByTestId('product-send-sms').click();
  await atStep('awaiting_approval');
  return currentUuid();
}

async function currentUuid(): Promise<string> {
  const result = await f.till.core.dispatch('sale.current', {}, true);
  if (!result.ok) throw new Error(result.error.message);
  return (result.data as { sale: { solicitation: { uuid: string } | null } }).sale!.solicitation!.uuid;
}

async function confirmOnPhoneSaysApproved(): Promise<void> {
  await f.page.getByTestId('approval-confirm').click();
}

async function expectOneOfEach(uuid: string): Promise<void> {
  const log = (await sandboxRequests(f.sandbox)).filter((r) => r.order_uuid === uuid || r.path === '/orders');
  const ok = (r: { status: number | null }) => r.status !== null && r.status < 300;
  expect(log.filter((r) => r.method === 'POST' && r.path === '/orders' && ok(r))).toHaveLength(1);
  expect(log.filter((r) => r.method === 'POST' && r.path.endsWith('/form_deliveries') && ok(r))).toHaveLength(1);
  const order = await sandboxOrder(f.sandbox, uuid);
  expect(order.confirmed_count).toBe(1);
  expect(order.state).toBe('shipped');
}

describe('the cashier’s sale in the browser', () => {
  it('sells with pp3 from an empty till to the slip, keyboard and screens as a cashier sees them', async () => {
    await openSale();
    await screenshot(f.page, 'sale-1-cart-empty');
    await enterCart();
    await screenshot(f.page, 'sale-2-cart');
    await enterShopper();
    await screenshot(f.page, 'sale-3-shopper');
    const uuid = await startAndChoose('pp3', 'sale-4-products');
    expect(await f.page.getByTestId('sms-info').innerText()).toMatch(/···· 5678/);
    await screenshot(f.page, 'sale-5-awaiting-approval');
    await shopper(f.sandbox, uuid, 'approve');
    await confirmOnPhoneSaysApproved();
    await atStep('done');
    // store-till-installation-stamp (docs/it-guide.md "Ticket numbers"), and SeQura holds the order under it.
    const ticket = /TIENDA-01-03(-[0-9A-HJKMNP-TV-Z]{4}){3}/.exec(
      await f.page.getByTestId('slip-ticket').innerText(),
    )?.[0];
    expect(ticket).toBeDefined();
    expect((await sandboxOrder(f.sandbox, uuid)).order_ref_1).toBe(ticket);
    expect(await f.page.getByTestId('slip-uuid').innerText()).toContain(uuid);
    await screenshot(f.page, 'sale-6-done-slip');
    await expectOneOfEach(uuid);
  });

  it('sends discounts and the amount paid at the till as SeQura items, and refuses a malformed amount', async () => {
    await openSale();
    await enterCart();
    const page = f.page;
    await page.getByLabel('Concepto', { exact: true }).fill('Promo');
    await page.getByLabel('Descuento', { exact: true }).fill('20,005');
    await page.getByTestId('cart-add-discount').click();
    await page.getByTestId('discount-amount-error').waitFor();
    await page.getByLabel('Descuento', { exact: true }).fill('20,00');
    await page.getByTestId('cart-add-discount').click();
    await page.getByLabel('Forma de pago').selectOption('card');
    await page.getByLabel('Pagado', { exact: true }).fill('50');
    await page.getByTestId('cart-add-payment').click();
    await expect.poll(() => page.getByTestId('cart-total-financed').innerText()).toContain('468,90');
    await enterShopper();
    const uuid = await startAndChoose('pp3');
    await shopper(f.sandbox, uuid, 'approve');
    await confirmOnPhoneSaysApproved();
    await atStep('done');
    const shipped = (await sandboxOrder(f.sandbox, uuid)).shipped_cart!;
    expect(shipped.order_total_with_tax).toBe(46_890);
    expect(shipped.items).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ type: 'discount', total_with_tax: -2_000 }),
        expect.objectContaining({ type: 'other_payment', total_with_tax: -5_000 }),
      ]),
    );
  });

  for (const product of ['i1', 'sp1', 'pp5']) {
    it(`sells with ${product}`, async () => {
      await openSale();
      await enterCart();
      await enterShopper();
      const uuid = await startAndChoose(product);
      await shopper(f.sandbox, uuid, 'approve');
      await confirmOnPhoneSaysApproved();
      await atStep('done');
      const order = await sandboxOrder(f.sandbox, uuid);
      expect(order.product_code).toBe(product);
      if (product === 'pp5') expect(order.campaign).toBeTruthy();
      await expectOneOfEach(uuid);
    });
  }

  it('says "not approved yet" when the cashier confirms before the shopper finished, then confirms', async () => {
    await openSale();
    await enterCart();
    await enterShopper();
    const uuid = await startAndChoose('i1');
    await confirmOnPhoneSaysApproved();
    await atStep('confirm_refused');
    expect(await f.page.getByTestId('refused-info').getAttribute('data-kind')).toBe('not_approved_yet');
    await screenshot(f.page, 'sale-7-confirm-refused-not-yet');
    await shopper(f.sandbox, uuid, 'approve');
    await f.page.getByTestId('refused-check-again').click();
    await atStep('done');
    await expectOneOfEach(uuid);
  });

  it('offers another payment method when the shopper is rejected', async () => {
    await openSale();
    await enterCart();
    await enterShopper();
    const uuid = await startAndChoose('sp1');
    await shopper(f.sandbox, uuid, 'reject');
    await confirmOnPhoneSaysApproved();
    await atStep('confirm_refused');
    expect(await f.page.getByTestId('refused-info').getAttribute('data-kind')).toBe('rejected_or_expired');
    await screenshot(f.page, 'sale-8-rejected');
    await f.page.getByTestId('refused-other-method').click();
    await atStep('rejected');
    expect((await sandboxOrder(f.sandbox, uuid)).confirmed_count ?? 0).toBe(0);
  });

  it('waits out a review: confirm answers 409 until approved, then 200', async () => {
    await openSale();
    await enterCart();
    await enterShopper({ givenNames: 'Review Test Approve' });
    const uuid = await startAndChoose('pp3');
    await shopper(f.sandbox, uuid, 'review_approve');
    await confirmOnPhoneSaysApproved();
    await atStep('confirm_refused');
    expect(await f.page.getByTestId('refused-info').getAttribute('data-kind')).toBe('under_review');
    await expect.poll(async () => (await sandboxOrder(f.sandbox, uuid)).state, { timeout: 5_000 }).toBe('approved');
    await f.page.getByTestId('refused-check-again').click();
    await atStep('done');
  });

  it('resends the SMS after the cooldown and explains SeQura’s limit', async () => {
    await f.page.clock.install();
    await openSale();
    await enterCart();
    await enterShopper();
    const uuid = await startAndChoose('pp3');
    for (let sent = 2; sent <= 3; sent++) {
      await f.page.clock.fastForward('00:31');
      await f.page.getByTestId('approval-resend').click();
      await expect.poll(async () => (await sandboxOrder(f.sandbox, uuid)).sms_sent).toBe(sent);
    }
    await f.page.clock.fastForward('00:31');
    await f.page.getByTestId('approval-resend').click();
    await f.page.getByTestId('sms-blocked').waitFor();
    await screenshot(f.page, 'sale-9-sms-limit');
    expect((await sandboxOrder(f.sandbox, uuid)).sms_sent).toBe(3);
  });

  it('cancel and restart carries the cart and shopper into a new solicitation', async () => {
    await openSale();
    await enterCart();
    await enterShopper();
    const oldUuid = await startAndChoose('pp3');
    await f.page.getByTestId('sale-restart').click();
    await f.page.getByTestId('sale-restart-yes').click();
    await f.page.locator('[data-step="draft"]').waitFor();
    await expect.poll(() => f.page.getByTestId('cart-total-financed').innerText()).toContain('538,90');
    await f.page.getByTestId('cart-continue').click();
    expect(await f.page.getByLabel('DNI / NIE').inputValue()).toBe('23232323T');
    const newUuid = await startAndChoose('pp3');
    expect(newUuid).not.toBe(oldUuid);
    await shopper(f.sandbox, newUuid, 'approve');
    await confirmOnPhoneSaysApproved();
    await atStep('done');
    expect((await sandboxOrder(f.sandbox, oldUuid)).confirmed_count ?? 0).toBe(0);
  });

  it('resumes the same sale at the same step when the till is stopped and started at each step', async () => {
    const { port, token } = f.till.host;
    const bridgeNotice = f.page.locator('.bridge-notice');
    const restart = async () => {
      await f.till.stop();
      // The page notices the till went away (it says so) …
      await bridgeNotice.waitFor({ state: 'visible' });
      f.till = await startTill({ dataDir: f.dataDir, sandbox: f.sandbox, port, token });
      // … and reconnects by itself to the same URL, without a reload, then re-reads the sale from main.
      await bridgeNotice.waitFor({ state: 'hidden', timeout: 10_000 });
    };
    await openSale();
    await enterCart();
    await restart();
    await f.page.locator('[data-step="draft"][data-stage="cart"]').waitFor();
    await expect.poll(() => f.page.getByTestId('cart-total-financed').innerText()).toContain('538,90');

    await enterShopper();
    await expect.poll(() => f.page.getByTestId('draft-save-state').getAttribute('data-state')).toBe('saved');
    await restart();
    await f.page.locator('[data-step="draft"][data-stage="shopper"]').waitFor();
    await expect.poll(() => f.page.getByLabel('DNI / NIE').inputValue()).toBe('23232323T');

    await f.page.getByTestId('shopper-start').click();
    await atStep('choose_product');
    const solicitedUuid = await currentUuid();
    await restart();
    await atStep('choose_product');
    expect(await currentUuid()).toBe(solicitedUuid);
    await f.page.locator('[data-testid="product-option"][data-product="pp3"]').click();
    await f.page.getByTestId('product-send-sms').click();
    await atStep('awaiting_approval');

    await restart();
    await atStep('awaiting_approval');
    expect(await currentUuid()).toBe(solicitedUuid);
    await shopper(f.sandbox, solicitedUuid, 'approve');

    // Confirmation while SeQura fails: queued in the outbox, survives the restart, lands exactly once.
    await setFaults(f.sandbox, { match: 'PUT /orders', error_rate: 1 });
    await confirmOnPhoneSaysApproved();
    await atStep('confirming');
    await screenshot(f.page, 'sale-10-confirmation-pending');
    await restart();
    await atStep('confirming');
    await setFaults(f.sandbox, null);
    await atStep('done', 30_000);
    await expectOneOfEach(solicitedUuid);
  });
});
