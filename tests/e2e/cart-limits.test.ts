import { describe, expect, it } from 'vitest';
import { MAX_CART_LINES } from '../../shared/sale/cart.ts';
import { sandboxRequests } from '../support/till.ts';
import { addLine, openSale, useSaleFixture } from './cashier-ui.ts';
import { screenshot } from './harness.ts';

// The cart step knows the merchant's product limits (SeQura's merchant payment methods, cached in main) before
// any order exists, refuses adjustments that leave nothing to finance, and stays usable with a long cart.
const f = useSaleFixture();

const inViewport = (testId: string, nth: 'first' | 'last' = 'first') =>
  f.page.evaluate(
    ([id, which]) => {
      const all = document.querySelectorAll(`[data-testid="${id}"]`);
      const element = which === 'last' ? all[all.length - 1] : all[0];
      if (!element) return false;
      const box = element.getBoundingClientRect();
      return box.top >= 0 && box.bottom <= window.innerHeight;
    },
    [testId, nth] as const,
  );

describe('the cart step', () => {
  it('says no product fits a 1,001,398.89 € cart before the shopper form and before any SeQura order', async () => {
    await openSale(f.page, f.till.url);
    await addLine(f.page, { reference: '8412345678901', name: 'Cocina completa', price: '1001398,89' });
    const notice = f.page.getByTestId('cart-no-product');
    await notice.waitFor();
    expect(await notice.getAttribute('data-kind')).toBe('above_max');
    expect(await notice.innerText()).toContain('3000,00');
    // "Continuar" is really disabled (not a live-looking button that does nothing), by mouse or keyboard.
    const next = f.page.getByTestId('cart-continue');
    expect(await next.isDisabled()).toBe(true);
    expect(await next.evaluate((button) => getComputedStyle(button).cursor)).toBe('not-allowed');
    await next.click({ force: true });
    await next.focus();
    await f.page.keyboard.press('Enter');
    await f.page.waitForTimeout(300);
    expect(await f.page.locator('[data-step="draft"]').getAttribute('data-stage')).toBe('cart');
    expect((await sandboxRequests(f.sandbox)).filter((r) => r.method === 'POST' && r.path === '/orders')).toEqual([]);
    await screenshot(f.page, 'sale-2b-cart-no-product');
  });

  it('refuses a discount larger than the total and a till payment that leaves nothing to finance', async () => {
    await openSale(f.page, f.till.url);
    await addLine(f.page, { reference: '8412345678901', name: 'Sofá 3 plazas', price: '499,00' });
    await f.page.getByLabel('Descuento', { exact: true }).fill('1749,00');
    await f.page.getByTestId('cart-add-discount').click();
    await f.page.getByTestId('discount-amount-error').waitFor();
    expect(await f.page.getByTestId('cart-discount').count()).toBe(0);
    await f.page.getByLabel('Descuento', { exact: true }).fill('99,00');
    await f.page.getByTestId('cart-add-discount').click();
    await f.page.getByLabel('Pagado', { exact: true }).fill('400,00');
    await f.page.getByTestId('cart-add-payment').click();
    await f.page.getByTestId('payment-amount-error').waitFor();
    expect(await f.page.getByTestId('cart-payment').count()).toBe(0);
    expect(await f.page.getByTestId('cart-total-financed').innerText()).toContain('400,00');
    expect(await f.page.getByTestId('cart-total-financed').innerText()).not.toContain('−');
  });

  it('at the line cap says the number, keeps the newest line and the total in view, and a scan replaces the refused one', async () => {
    await openSale(f.page, f.till.url);
    const reference = f.page.getByLabel('Referencia', { exact: true });
    for (let n = 1; n <= MAX_CART_LINES; n++) {
      await reference.fill(`84100000${String(n).padStart(5, '0')}`);
      await reference.press('Enter');
      await f.page.keyboard.type(`Artículo ${n}`);
      await f.page.keyboard.press('Enter');
      await f.page.keyboard.type('1,00');
      await f.page.keyboard.press('Enter');
      if (n === 12) {
        await expect.poll(() => f.page.getByTestId('cart-total-financed').innerText()).toContain('12,00');
        await expect.poll(() => inViewport('cart-line', 'last')).toBe(true);
        expect(await inViewport('cart-total-financed')).toBe(true);
      }
    }
    await expect.poll(() => f.page.getByTestId('cart-line').count()).toBe(MAX_CART_LINES);
    await reference.fill('8419999999999');
    await reference.press('Enter');
    await f.page.keyboard.type('Uno más');
    await f.page.keyboard.press('Enter');
    await f.page.keyboard.type('1,00');
    await f.page.keyboard.press('Enter');
    const error = f.page.getByTestId('line-reference-error');
    await error.waitFor();
    expect(await error.innerText()).toContain(String(MAX_CART_LINES));
    await screenshot(f.page, 'sale-2c-cart-line-cap');
    // The scanner's next code replaces the refused one instead of piling onto it.
    await f.page.keyboard.type('8418888888888');
    expect(await reference.inputValue()).toBe('8418888888888');
    expect(await inViewport('cart-line', 'last')).toBe(true);
    expect(await inViewport('cart-total-financed')).toBe(true);
  });
});
