import { describe, expect, it } from 'vitest';
import { sandboxOrder, sandboxRequests, shopper } from '../support/till.ts';
import { addLine, fillShopper, openSale, useSaleFixture } from './cashier-ui.ts';
import { screenshot } from './harness.ts';

// What a keyboard cashier and a careful reader found on the sale screens: presses carried over from the
// previous step, the Enter order of the shopper form, what "cancel" really does, feedback that contradicts the
// buttons, and a render error. Keyboard tests drive the keyboard.
const f = useSaleFixture();

const step = () => f.page.getByTestId('sale-step');
const atStep = (name: string) =>
  step()
    .and(f.page.locator(`[data-step="${name}"]`))
    .waitFor({ timeout: 15_000 });
const focusedTestId = () => f.page.evaluate(() => document.activeElement?.getAttribute('data-testid') ?? null);
const focusedId = () => f.page.evaluate(() => document.activeElement?.id ?? null);

async function toShopperForm(): Promise<void> {
  await openSale(f.page, f.till.url);
  await addLine(f.page, { reference: '8412345678901', name: 'Sofá 3 plazas', price: '499,00' });
  await fillShopper(f.page);
  await expect.poll(() => f.page.getByTestId('mobile-readback').innerText()).toContain('678');
}

async function toProducts(): Promise<string> {
  await toShopperForm();
  await f.page.getByTestId('shopper-start').click();
  await atStep('choose_product');
  await f.page.getByTestId('product-send-sms').waitFor();
  const result = await f.till.core.dispatch('sale.current', {}, true);
  if (!result.ok) throw new Error(result.error.message);
  return (result.data as { sale: { solicitation: { uuid: string } } }).sale.solicitation.uuid;
}

const confirmsSent = async (uuid: string) =>
  (await sandboxRequests(f.sandbox)).filter((r) => r.method === 'PUT' && r.order_uuid === uuid).length;

describe('keyboard: no press carried over into the next step', () => {
  it('two Enters 300 ms apart on the product screen send the SMS once and never confirm', async () => {
    const uuid = await toProducts();
    // The cashier reads the screen, then presses Enter twice out of habit.
    await f.page.waitForTimeout(1_000);
    await f.page.keyboard.press('Enter');
    await f.page.waitForTimeout(300);
    await f.page.keyboard.press('Enter');
    await f.page.waitForTimeout(1_500);
    expect(await step().getAttribute('data-step')).toBe('awaiting_approval');
    expect(await confirmsSent(uuid)).toBe(0);
    expect((await sandboxOrder(f.sandbox, uuid)).sms_sent).toBe(1);
    // Focus is on the screen's heading, not on "confirm" (an action that talks to SeQura).
    expect(await focusedTestId()).not.toBe('approval-confirm');
    expect(await f.page.evaluate(() => document.activeElement?.tagName)).toBe('H1');
  });

  it('a second Enter from the shopper form does not send the SMS on the product screen', async () => {
    const uuid = await (async () => {
      await toShopperForm();
      await f.page.getByLabel('Email').focus();
      await f.page.waitForTimeout(800);
      await f.page.keyboard.press('Enter');
      await atStep('choose_product');
      await f.page.keyboard.press('Enter');
      await f.page.waitForTimeout(1_000);
      const result = await f.till.core.dispatch('sale.current', {}, true);
      if (!result.ok) throw new Error(result.error.message);
      return (result.data as { sale: { solicitation: { uuid: string } } }).sale.solicitation.uuid;
    })();
    expect(await step().getAttribute('data-step')).toBe('choose_product');
    expect((await sandboxOrder(f.sandbox, uuid)).sms_sent).toBe(0);
  });

  it('"not approved yet" keeps resend, change the purchase and the timer', async () => {
    await toProducts();
    await f.page.getByTestId('product-send-sms').click();
    await atStep('awaiting_approval');
    await f.page.getByTestId('approval-confirm').click();
    await atStep('confirm_refused');
    expect(await f.page.getByTestId('refused-info').getAttribute('data-kind')).toBe('not_approved_yet');
    await f.page.getByTestId('approval-resend').waitFor();
    await f.page.getByTestId('sale-restart').waitFor();
    await f.page.getByTestId('sms-elapsed').waitFor();
    expect(await focusedTestId()).not.toBe('refused-check-again');
  });
});

describe('keyboard: the shopper form', () => {
  it('Enter walks name → first surname → second surname → DNI/NIE', async () => {
    await openSale(f.page, f.till.url);
    await addLine(f.page, { reference: '8412345678901', name: 'Sofá 3 plazas', price: '499,00' });
    await f.page.getByTestId('cart-continue').click();
    await f.page.locator('[data-step="draft"][data-stage="shopper"]').waitFor();
    await f.page.waitForTimeout(800);
    await f.page.getByLabel('Nombre', { exact: true }).focus();
    await f.page.keyboard.type('María José');
    await f.page.keyboard.press('Enter');
    expect(await focusedId()).toBe('shopper-firstSurname');
    await f.page.keyboard.type('García');
    await f.page.keyboard.press('Enter');
    expect(await focusedId()).toBe('shopper-secondSurname');
    await f.page.keyboard.type('López');
    await f.page.keyboard.press('Enter');
    expect(await focusedId()).toBe('shopper-nin');
    expect(await f.page.getByLabel('DNI / NIE').inputValue()).toBe('');
  });
});

describe('what cancel and change the purchase say', () => {
  it('says nothing about an SMS before one was sent', async () => {
    await toProducts();
    await f.page.getByTestId('sale-restart').click();
    const dialog = f.page.getByTestId('sale-restart-dialog');
    expect(await dialog.innerText()).not.toMatch(/SMS/);
    await f.page.getByTestId('sale-restart-back').click();
  });

  it('after the SMS: nothing is sent to SeQura, the link may still open, and the till never confirms', async () => {
    const uuid = await toProducts();
    await f.page.getByTestId('product-send-sms').click();
    await atStep('awaiting_approval');
    await f.page.getByTestId('sale-cancel').click();
    const detail = await f.page.getByTestId('sale-cancel-dialog').innerText();
    expect(detail).not.toMatch(/dejará de valer/);
    expect(detail).toMatch(/A SeQura no se le envía nada/);
    const before = (await sandboxRequests(f.sandbox)).filter((r) => r.order_uuid === uuid).length;
    await f.page.getByTestId('sale-cancel-yes').click();
    await atStep('cancelled');
    await f.page.getByTestId('final-sms-note').waitFor();
    // True to the words: no call about this order, and the shopper can still reach "approved" on her phone.
    expect((await sandboxRequests(f.sandbox)).filter((r) => r.order_uuid === uuid).length).toBe(before);
    await shopper(f.sandbox, uuid, 'approve');
    expect((await sandboxOrder(f.sandbox, uuid)).state).toBe('approved');
    expect((await sandboxOrder(f.sandbox, uuid)).confirmed_count ?? 0).toBe(0);
  });
});

describe('feedback that matches the screen', () => {
  it('the SMS limit does not say "try again" next to a disabled resend button', async () => {
    await f.page.clock.install();
    await toProducts();
    await f.page.getByTestId('product-send-sms').click();
    await atStep('awaiting_approval');
    for (let press = 0; press < 3; press++) {
      await f.page.clock.fastForward('00:31');
      await f.page.getByTestId('approval-resend').click();
      await f.page.waitForTimeout(300);
    }
    await f.page.getByTestId('sms-blocked').waitFor();
    expect(await f.page.getByTestId('approval-resend').isDisabled()).toBe(true);
    expect(await f.page.getByTestId('sale-screen').innerText()).not.toMatch(/Puedes volver a intentarlo/);
  });

  it('the preview address without its token says what is missing and does not load forever', async () => {
    const page = await f.browser.newPage();
    try {
      await page.goto(f.till.url.replace(/#.*$/, ''));
      const notice = page.getByTestId('bridge-notice');
      await notice.waitFor();
      expect(await notice.getAttribute('data-bridge')).toBe('no_token');
      expect(await notice.innerText()).toMatch(/#token=/);
      expect(await notice.innerText()).not.toMatch(/ventana/);
      await page.waitForTimeout(500);
      expect(await page.getByText('Cargando la venta…').isVisible()).toBe(false);
      // No navigation to screens that would wait forever for a till that will not answer this page.
      expect(await page.getByTestId('nav-history').isVisible()).toBe(false);
      await screenshot(page, 'preview-without-token');
    } finally {
      await page.close();
    }
  });
});

describe('a render error', () => {
  it('shows what happened and a reload, not a blank till; the sale is still there after reloading', async () => {
    await openSale(f.page, f.till.url);
    await addLine(f.page, { reference: '8412345678901', name: 'Sofá 3 plazas', price: '499,00' });
    await expect.poll(() => f.page.getByTestId('cart-total-financed').innerText()).toContain('499,00');
    // Make every money format throw, as a bug in a screen would, then make the screen render again.
    await f.page.evaluate(() => {
      Object.defineProperty(Intl.NumberFormat.prototype, 'format', {
        get() {
          throw new Error('format broke');
        },
      });
    });
    await f.page.getByLabel('Referencia', { exact: true }).fill('8412345678902');
    const crash = f.page.getByTestId('crash-screen');
    await crash.waitFor();
    expect(await crash.innerText()).toContain('format broke');
    expect(await f.page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('crash-reload');
    await f.page.keyboard.press('Enter');
    await f.page.locator('[data-step="draft"][data-stage="cart"]').waitFor();
    await expect.poll(() => f.page.getByTestId('cart-line').count()).toBeGreaterThanOrEqual(1);
  });
});
