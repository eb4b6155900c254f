import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright';
import type { RunningSandbox } from '../../electron/core/sandbox/server.ts';
import { sandboxOrder, sandboxRequests, setFaults, shopper } from '../support/till.ts';
import { launchBrowser, makeDataDir, removeDir, screenshot, startStandaloneSandbox, startTill, type RunningTill } from './harness.ts';

// The cashier's sale through the real renderer, preview host and core, against the sandbox over loopback.
// The shopper's phone is the sandbox's control API (what the virtual phone page's buttons call).
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

const step = () => page.getByTestId('sale-step');
async function atStep(name: string, timeout = 15_000): Promise<void> {
  try {
    await step().and(page.locator(`[data-step="${name}"]`)).waitFor({ timeout });
  } catch (error) {
    // Leave a picture of what the cashier saw instead of the expected step.
    await page.screenshot({ path: `.tmp/failed-${name}.png`, fullPage: true }).catch(() => undefined);
    throw error;
  }
}

async function openSale(): Promise<void> {
  await page.goto(till.url);
  await step().waitFor();
  if ((await step().getAttribute('data-step')) === 'none') await page.getByTestId('sale-new').click();
  await page.locator('[data-step="draft"][data-stage="cart"]').waitFor();
}

async function addLine(reference: string, name: string, price: string, quantity: string): Promise<void> {
  await page.getByLabel('Referencia', { exact: true }).fill(reference);
  await page.getByLabel('Descripción', { exact: true }).fill(name);
  await page.getByLabel('Precio (IVA incl.)').fill(price);
  await page.getByLabel('Cantidad', { exact: true }).fill(quantity);
  await page.getByTestId('cart-add-line').click();
}

async function enterCart(): Promise<void> {
  await addLine('8412345678901', 'Sofá 3 plazas', '499,00', '1');
  await addLine('8412345678902', 'Cojín', '19,95', '2');
  await expect.poll(() => page.getByTestId('cart-total-financed').innerText()).toContain('538,90');
}

async function enterShopper(overrides: { givenNames?: string } = {}): Promise<void> {
  await page.getByTestId('cart-continue').click();
  await page.locator('[data-step="draft"][data-stage="shopper"]').waitFor();
  await page.getByLabel('Nombre', { exact: true }).fill(overrides.givenNames ?? 'María José');
  await page.getByLabel('Primer apellido').fill('García');
  await page.getByLabel('Segundo apellido').fill('López');
  await page.getByLabel('DNI / NIE').fill('23232323T');
  await page.getByLabel('Fecha de nacimiento', { exact: false }).fill('17/05/1990');
  await page.getByLabel('Móvil').fill('612 345 678');
  await page.getByLabel('Email').fill('maria@example.com');
  await expect.poll(() => page.getByTestId('mobile-readback').innerText()).toContain('678');
}

async function startAndChoose(product: string, shot?: string): Promise<string> {
  await page.getByTestId('shopper-start').click();
  await atStep('choose_product');
  await page.locator(`[data-testid="product-option"][data-product="${product}"]`).click();
  if (shot) await screenshot(page, shot);
  await page.getByTestId('product-send-sms').click();
  await atStep('awaiting_approval');
  return currentUuid();
}

async function currentUuid(): Promise<string> {
  const result = await till.core.dispatch('sale.current', {}, true);
  if (!result.ok) throw new Error(result.error.message);
  return (result.data as { sale: { solicitation: { uuid: string } | null } }).sale!.solicitation!.uuid;
}

async function confirmOnPhoneSaysApproved(): Promise<void> {
  await page.getByTestId('approval-confirm').click();
}

async function expectOneOfEach(uuid: string): Promise<void> {
  const log = (await sandboxRequests(sandbox)).filter((r) => r.order_uuid === uuid || r.path === '/orders');
  const ok = (r: { status: number | null }) => r.status !== null && r.status < 300;
  expect(log.filter((r) => r.method === 'POST' && r.path === '/orders' && ok(r))).toHaveLength(1);
  expect(log.filter((r) => r.method === 'POST' && r.path.endsWith('/form_deliveries') && ok(r))).toHaveLength(1);
  const order = await sandboxOrder(sandbox, uuid);
  expect(order.confirmed_count).toBe(1);
  expect(order.state).toBe('shipped');
}

describe('the cashier’s sale in the browser', () => {
  it('sells with pp3 from an empty till to the slip, keyboard and screens as a cashier sees them', async () => {
    await openSale();
    await screenshot(page, 'sale-1-cart-empty');
    await enterCart();
    await screenshot(page, 'sale-2-cart');
    await enterShopper();
    await screenshot(page, 'sale-3-shopper');
    const uuid = await startAndChoose('pp3', 'sale-4-products');
    expect(await page.getByTestId('sms-info').innerText()).toMatch(/··· ··· 678/);
    await screenshot(page, 'sale-5-awaiting-approval');
    await shopper(sandbox, uuid, 'approve');
    await confirmOnPhoneSaysApproved();
    await atStep('done');
    expect(await page.getByTestId('slip-ticket').innerText()).toContain('TIENDA-01-03-000001');
    expect(await page.getByTestId('slip-uuid').innerText()).toContain(uuid);
    await screenshot(page, 'sale-6-done-slip');
    await expectOneOfEach(uuid);
  });

  for (const product of ['i1', 'sp1', 'pp5']) {
    it(`sells with ${product}`, async () => {
      await openSale();
      await enterCart();
      await enterShopper();
      const uuid = await startAndChoose(product);
      await shopper(sandbox, uuid, 'approve');
      await confirmOnPhoneSaysApproved();
      await atStep('done');
      const order = await sandboxOrder(sandbox, uuid);
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
    expect(await page.getByTestId('refused-info').getAttribute('data-kind')).toBe('not_approved_yet');
    await screenshot(page, 'sale-7-confirm-refused-not-yet');
    await shopper(sandbox, uuid, 'approve');
    await page.getByTestId('refused-check-again').click();
    await atStep('done');
    await expectOneOfEach(uuid);
  });

  it('offers another payment method when the shopper is rejected', async () => {
    await openSale();
    await enterCart();
    await enterShopper();
    const uuid = await startAndChoose('sp1');
    await shopper(sandbox, uuid, 'reject');
    await confirmOnPhoneSaysApproved();
    await atStep('confirm_refused');
    expect(await page.getByTestId('refused-info').getAttribute('data-kind')).toBe('rejected_or_expired');
    await screenshot(page, 'sale-8-rejected');
    await page.getByTestId('refused-other-method').click();
    await atStep('rejected');
    expect((await sandboxOrder(sandbox, uuid)).confirmed_count ?? 0).toBe(0);
  });

  it('waits out a review: confirm answers 409 until approved, then 200', async () => {
    await openSale();
    await enterCart();
    await enterShopper({ givenNames: 'Review Test Approve' });
    const uuid = await startAndChoose('pp3');
    await shopper(sandbox, uuid, 'review_approve');
    await confirmOnPhoneSaysApproved();
    await atStep('confirm_refused');
    expect(await page.getByTestId('refused-info').getAttribute('data-kind')).toBe('under_review');
    await expect.poll(async () => (await sandboxOrder(sandbox, uuid)).state, { timeout: 5_000 }).toBe('approved');
    await page.getByTestId('refused-check-again').click();
    await atStep('done');
  });

  it('resends the SMS after the cooldown and explains SeQura’s limit', async () => {
    await page.clock.install();
    await openSale();
    await enterCart();
    await enterShopper();
    const uuid = await startAndChoose('pp3');
    for (let sent = 2; sent <= 3; sent++) {
      await page.clock.fastForward('00:31');
      await page.getByTestId('approval-resend').click();
      await expect.poll(async () => (await sandboxOrder(sandbox, uuid)).sms_sent).toBe(sent);
    }
    await page.clock.fastForward('00:31');
    await page.getByTestId('approval-resend').click();
    await page.getByTestId('sms-blocked').waitFor();
    await screenshot(page, 'sale-9-sms-limit');
    expect((await sandboxOrder(sandbox, uuid)).sms_sent).toBe(3);
  });

  it('cancel and restart carries the cart and shopper into a new solicitation', async () => {
    await openSale();
    await enterCart();
    await enterShopper();
    const oldUuid = await startAndChoose('pp3');
    await page.getByTestId('sale-restart').click();
    await page.getByTestId('sale-restart-yes').click();
    await page.locator('[data-step="draft"]').waitFor();
    await expect.poll(() => page.getByTestId('cart-total-financed').innerText()).toContain('538,90');
    await page.getByTestId('cart-continue').click();
    expect(await page.getByLabel('DNI / NIE').inputValue()).toBe('23232323T');
    const newUuid = await startAndChoose('pp3');
    expect(newUuid).not.toBe(oldUuid);
    await shopper(sandbox, newUuid, 'approve');
    await confirmOnPhoneSaysApproved();
    await atStep('done');
    expect((await sandboxOrder(sandbox, oldUuid)).confirmed_count ?? 0).toBe(0);
  });

  it('resumes the same sale at the same step when the till is stopped and started at each step', async () => {
    const { port, token } = till.host;
    const bridgeNotice = page.locator('.bridge-notice');
    const restart = async () => {
      await till.stop();
      // The page notices the till went away (it says so) …
      await bridgeNotice.waitFor({ state: 'visible' });
      till = await startTill({ dataDir, sandbox, port, token });
      // … and reconnects by itself to the same URL, without a reload, then re-reads the sale from main.
      await bridgeNotice.waitFor({ state: 'hidden', timeout: 10_000 });
    };
    await openSale();
    await enterCart();
    await restart();
    await page.locator('[data-step="draft"][data-stage="cart"]').waitFor();
    await expect.poll(() => page.getByTestId('cart-total-financed').innerText()).toContain('538,90');

    await enterShopper();
    await expect.poll(() => page.getByTestId('draft-save-state').getAttribute('data-state')).toBe('saved');
    await restart();
    await page.locator('[data-step="draft"][data-stage="shopper"]').waitFor();
    await expect.poll(() => page.getByLabel('DNI / NIE').inputValue()).toBe('23232323T');

    await page.getByTestId('shopper-start').click();
    await atStep('choose_product');
    const solicitedUuid = await currentUuid();
    await restart();
    await atStep('choose_product');
    expect(await currentUuid()).toBe(solicitedUuid);
    await page.locator('[data-testid="product-option"][data-product="pp3"]').click();
    await page.getByTestId('product-send-sms').click();
    await atStep('awaiting_approval');

    await restart();
    await atStep('awaiting_approval');
    expect(await currentUuid()).toBe(solicitedUuid);
    await shopper(sandbox, solicitedUuid, 'approve');

    // Confirmation while SeQura fails: queued in the outbox, survives the restart, lands exactly once.
    await setFaults(sandbox, { match: 'PUT /orders', error_rate: 1 });
    await confirmOnPhoneSaysApproved();
    await atStep('confirming');
    await screenshot(page, 'sale-10-confirmation-pending');
    await restart();
    await atStep('confirming');
    await setFaults(sandbox, null);
    await atStep('done', 30_000);
    await expectOneOfEach(solicitedUuid);
  });
});
