import { withTillDatabase } from '../support/till.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright';
import type { RunningSandbox } from '../../sandbox/index.ts';
import { sandboxOrder } from '../support/till.ts';
import { addLine, fillShopper, openSale } from './cashier-ui.ts';
import { launchBrowser, makeDataDir, removeDir, screenshot, startTill, type RunningTill } from './harness.ts';

// A fresh install (no configuration, no credentials) is a training till: it sells against the sandbox it
// starts itself, says so everywhere, and its slips can never be mistaken for a real sale.
describe('training mode', () => {
  let browser: Browser;
  let till: RunningTill;
  let page: Page;
  const dataDir = makeDataDir();

  beforeAll(async () => {
    till = await startTill({ dataDir });
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  });
  afterAll(async () => {
    await browser?.close();
    await till?.stop();
    removeDir(dataDir);
  });

  it('runs a whole practice sale against the built-in sandbox, with the banner, the phone link and a marked slip', async () => {
    const sandbox = till.core.trainingSandbox as RunningSandbox;
    expect(sandbox.baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    await openSale(page, till.url);
    expect(await page.getByTestId('training-banner').innerText()).toContain('MODO FORMACIÓN');
    await addLine(page, { reference: 'PRACTICA-1', name: 'Lámpara', price: '89,90' });
    await fillShopper(page);
    await page.getByTestId('shopper-start').click();
    await page.locator('[data-testid="sale-step"][data-step="choose_product"]').waitFor();
    await page.locator('[data-testid="product-option"][data-product="i1"]').click();
    await page.getByTestId('product-send-sms').click();
    await page.locator('[data-testid="sale-step"][data-step="awaiting_approval"]').waitFor();

    // The virtual shopper phone is one click away and points at this order on the training sandbox.
    const answer = await till.core.dispatch('sale.current', {}, true);
    const uuid = answer.ok ? (answer.data as { sale: { solicitation: { uuid: string } } }).sale.solicitation.uuid : '';
    const phoneLinks = await page
      .locator('a[href*="/phone"]')
      .evaluateAll((links) => links.map((a) => (a as HTMLAnchorElement).href));
    expect(phoneLinks.some((href) => href.startsWith(`${sandbox.baseUrl}/phone`))).toBe(true);
    // The trainee plays the shopper on the virtual phone, as the shopper would: open the SMS link, type the
    // code (the sandbox's OTP is the last 5 digits of the mobile), approve, and read "pending confirmation".
    const phone = await browser.newPage({ viewport: { width: 1280, height: 720 } });
    await phone.goto(sandbox.phoneUrl(uuid));
    expect(await phone.locator('body').innerText()).toMatch(/seQura/i);
    await phone.screenshot({ path: 'docs/screenshots/training-virtual-phone.png' });
    await phone
      .getByRole('link', { name: 'Abrir el enlace' })
      .or(phone.getByRole('button', { name: 'Abrir el enlace' }))
      .first()
      .click();
    await phone.locator('#otp').fill('45678');
    await phone.getByRole('button', { name: 'Continuar' }).click();
    await phone.getByRole('button', { name: 'Aprobar', exact: true }).click();
    await expect.poll(() => phone.locator('body').innerText()).toMatch(/pendiente de confirmaci[oó]n/i);
    await phone.screenshot({ path: 'docs/screenshots/training-virtual-phone-approved.png' });
    await phone.close();
    expect((await sandboxOrder(sandbox, uuid)).state).toBe('approved');

    await page.getByTestId('approval-confirm').click();
    await page.locator('[data-testid="sale-step"][data-step="done"]').waitFor();
    expect(await page.getByTestId('slip-training').innerText()).toBe('FORMACIÓN — NO ES UNA VENTA');
    await screenshot(page, 'training-slip');
    expect((await sandboxOrder(sandbox, uuid)).state).toBe('shipped');

    // The shopper speaks Catalan: the cashier picks it for the slip; the till itself stays in Spanish.
    await page.getByLabel('Idioma del justificante').selectOption('ca');
    const slip = page.getByTestId('slip');
    await expect
      .poll(() => slip.getByRole('heading', { level: 2 }).innerText())
      .toBe('Justificant de compra amb SeQura');
    expect(await slip.getAttribute('lang')).toBe('ca');
    expect(await slip.getByTestId('slip-training').innerText()).toBe('FORMACIÓ — NO ÉS UNA VENDA');
    expect(await slip.getByTestId('slip-amount').innerText()).toContain('Import finançat');
    expect(await slip.innerText()).toContain('SeQura envia les condicions per correu electrònic.');
    expect(await page.getByRole('heading', { name: 'Venta terminada' }).count()).toBe(1);
    await slip.screenshot({ path: 'docs/screenshots/slip-ca.png' });
  });

  it('its end-of-day report says it counts the training sales, and does count them', async () => {
    await page.getByTestId('nav-report').click();
    await expect.poll(() => page.getByTestId('report-sheet').count()).toBe(1);
    const sheet = page.getByTestId('report-sheet');
    expect(await sheet.innerText()).toContain('INFORME DE FORMACIÓN — cuenta las ventas de formación de esta caja');
    // True to its word: the practice sale above is in the day's figures, and nothing says it is left out.
    expect(await page.getByTestId('tile-sales').innerText()).toMatch(/\s1$/);
    expect(await page.getByTestId('tile-confirmed').innerText()).toMatch(/\s1\s/);
    expect(await page.getByTestId('report-row').count()).toBe(1);
    expect(await page.getByTestId('tile-training').count()).toBe(0);
    expect(await page.getByTestId('report-screen').innerText()).not.toMatch(/no (cuentan|incluidas)/);
  });

  it('keeps training sales apart from real ones on disk', async () => {
    // In the till database, under the realm 'training': no live sale, no live outbox instruction.
    const realms = withTillDatabase(dataDir, (db) =>
      (
        db.prepare('SELECT DISTINCT realm FROM sales UNION SELECT DISTINCT realm FROM outbox').all() as Array<{
          realm: string;
        }>
      ).map((r) => r.realm),
    );
    expect(realms).toEqual(['training']);
  });
});
