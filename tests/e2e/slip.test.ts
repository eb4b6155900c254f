import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { sandboxOrder, shopper } from '../support/till.ts';
import { addLine, fillShopper, openSale, useSaleFixture } from './cashier-ui.ts';
import { screenshot } from './harness.ts';

// The slip the shopper takes home: items, the plan as SeQura described it, her name masked, the cashier's
// name; Enter on the Done screen prints it. Its print layout is checked on both roll widths with Chromium's
// own PDF output (the same engine Electron prints with), and kept in docs/slips/ for store IT.
const f = useSaleFixture();

const atStep = (name: string) =>
  f.page
    .getByTestId('sale-step')
    .and(f.page.locator(`[data-step="${name}"]`))
    .waitFor({ timeout: 15_000 });

/** Width and height, in points, of each page of a PDF Chromium wrote (its MediaBox entries). */
function pdfPages(path: string): Array<{ width: number; height: number }> {
  const text = readFileSync(path).toString('latin1');
  return [...text.matchAll(/\/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]/g)].map((m) => ({
    width: Number(m[1]),
    height: Number(m[2]),
  }));
}
const MM_TO_PT = 72 / 25.4;

describe('the slip', () => {
  it('lists the items, the plan, the masked shopper and the cashier; Enter prints; fits 58 and 80 mm rolls', async () => {
    // The preview has no receipt printer: printing opens the browser's dialog, counted here.
    await f.page.addInitScript(() => {
      (window as unknown as { printed: number }).printed = 0;
      window.print = () => void (window as unknown as { printed: number }).printed++;
    });
    await openSale(f.page, f.till.url);
    await addLine(f.page, { reference: '8412345678901', name: 'Sofá 3 plazas', price: '499,00' });
    await addLine(f.page, { reference: '8412345678902', name: 'Cojín', price: '19,95', quantity: '2' });
    await f.page.getByLabel('Descuento', { exact: true }).fill('20,00');
    await f.page.getByTestId('cart-add-discount').click();
    await fillShopper(f.page);
    await f.page.getByTestId('shopper-start').click();
    await atStep('choose_product');
    await f.page.locator('[data-testid="product-option"][data-product="sp1"]').click();
    await f.page.getByTestId('product-send-sms').click();
    await atStep('awaiting_approval');
    const result = await f.till.core.dispatch('sale.current', {}, true);
    if (!result.ok) throw new Error(result.error.message);
    const uuid = (result.data as { sale: { solicitation: { uuid: string } } }).sale.solicitation.uuid;
    await shopper(f.sandbox, uuid, 'approve');
    await f.page.getByTestId('approval-confirm').click();
    await atStep('done');
    expect((await sandboxOrder(f.sandbox, uuid)).state).toBe('shipped');

    const slip = f.page.getByTestId('slip');
    expect(await slip.getByTestId('slip-item').count()).toBe(2);
    const text = await slip.innerText();
    expect(text).toContain('2 × Cojín');
    expect(text).toContain('−20,00');
    // The plan in SeQura's words for this order (sp1's order-specific title names the instalment amount).
    expect(await slip.getByTestId('slip-product').innerText()).toMatch(/Divide en 3 partes de 172,97/);
    expect(text).toContain('Divide tu pago en 3, sin intereses');
    expect(await slip.getByTestId('slip-shopper').innerText()).toContain('María J. G. L.');
    expect(text).not.toContain('García');
    expect(await slip.getByTestId('slip-operator').innerText()).toContain('Encargada de pruebas (T900)');

    // Enter on the Done screen prints (the focus is on "Print", not on "New sale").
    expect(await f.page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('slip-print');
    await f.page.waitForTimeout(800);
    await f.page.keyboard.press('Enter');
    await expect.poll(() => f.page.evaluate(() => (window as unknown as { printed: number }).printed)).toBe(1);
    expect(await f.page.getByTestId('sale-step').getAttribute('data-step')).toBe('done');
    await screenshot(f.page, 'sale-6-done-slip');

    // The print layout on each roll, through Chromium's PDF output.
    await f.page.emulateMedia({ media: 'print' });
    for (const width of [58, 80] as const) {
      await f.page.evaluate((mm) => (document.documentElement.dataset.paper = String(mm)), width);
      const heightPx = await slip.evaluate((el) => el.scrollHeight);
      const widthPx = await slip.evaluate((el) => el.getBoundingClientRect().width);
      expect(Math.abs(widthPx - (width * 96) / 25.4)).toBeLessThan(2);
      // Nothing wider than the roll: no cut-off uuid or amount.
      expect(await slip.evaluate((el) => el.scrollWidth <= el.clientWidth + 1)).toBe(true);
      const heightMm = Math.ceil((heightPx * 25.4) / 96) + 12;
      const path = `docs/slips/slip-${width}mm.pdf`;
      await f.page.pdf({ path, width: `${width}mm`, height: `${heightMm}mm`, printBackground: false });
      const pages = pdfPages(path);
      expect(pages).toHaveLength(1);
      expect(Math.abs(pages[0]!.width - width * MM_TO_PT)).toBeLessThan(1);
      await f.page.setViewportSize({ width: Math.ceil((width * 96) / 25.4), height: heightPx + 40 });
      await slip.screenshot({ path: `docs/screenshots/slip-print-${width}mm.png` });
      await f.page.setViewportSize({ width: 1280, height: 900 });
    }
  });
});
