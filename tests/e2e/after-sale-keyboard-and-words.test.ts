import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright';
import type { Core } from '../../electron/core/app-core.ts';
import type { RunningSandbox } from '../../sandbox/index.ts';
import type { SaleRecord } from '../../shared/sale/sale-record.ts';
import { CART, SHOPPER, TEST_MANAGER, call, confirmedSaleThroughCore } from '../support/till.ts';
import {
  launchBrowser,
  makeDataDir,
  removeDir,
  screenshot,
  startStandaloneSandbox,
  startTill,
  type RunningTill,
} from './harness.ts';

// After the sale, with the keyboard and as a careful reader: where the focus goes after a return, a
// cancellation, the settings' PIN prompt and closing the day; that no internal code (a cancellation reason, an
// error kind, "attempt 1") reaches the sale's page in any language; one phone mask; the copy names the cashier;
// and the end-of-day report says true things (rows by product name, voided vs never confirmed, "not financed"
// for a sale SeQura never confirmed, a manager's PIN to close the day, a hint that says what the PIN is for).

const CASHIER = { id: 'C100', displayName: 'Carlos Cajero', pin: '730461' };

async function confirmedSale(core: Core, sandbox: RunningSandbox, mobile: string): Promise<SaleRecord> {
  const done = await confirmedSaleThroughCore(core, sandbox, mobile);
  await call(core, 'sale.close', { saleId: done.id });
  return done;
}

/** A sale the shopper got the SMS for, cancelled at the till before anyone confirmed it. */
async function neverConfirmedSale(core: Core): Promise<SaleRecord> {
  const created = await call<SaleRecord>(core, 'sale.create');
  await call(core, 'sale.saveDraft', {
    saleId: created.id,
    stage: 'shopper',
    cart: CART,
    shopper: { ...SHOPPER, mobile: '677 888 999' },
  });
  const started = await call<SaleRecord>(core, 'sale.start', { saleId: created.id });
  const option = started.paymentOptions!.find((o) => o.product === 'pp3')!;
  await call(core, 'sale.sendSms', { saleId: created.id, product: 'pp3', campaign: option.campaign });
  const cancelled = await call<SaleRecord>(core, 'sale.cancel', { saleId: created.id });
  await call(core, 'sale.close', { saleId: created.id });
  return cancelled;
}

const focused = (page: Page) => page.evaluate(() => document.activeElement?.getAttribute('data-testid') ?? null);
const focusedTag = (page: Page) => page.evaluate(() => document.activeElement?.tagName ?? null);
// A till code on screen: snake_case words ("customer_request", "unknown_outcome") or the journal's "attempt N".
const INTERNAL_CODE = /\b[a-z]+_[a-z_]+\b|\battempt \d/;

describe('after the sale, by keyboard and in true words', () => {
  let sandbox: RunningSandbox;
  let till: RunningTill;
  let browser: Browser;
  let page: Page;
  let toReturn: SaleRecord;
  let toVoid: SaleRecord;
  let neverConfirmed: SaleRecord;
  const dataDir = makeDataDir();

  beforeAll(async () => {
    sandbox = await startStandaloneSandbox();
    till = await startTill({ dataDir, sandbox });
    // The store's manager (signed in by the harness) adds a cashier, who then sells.
    await call(till.core, 'session.elevate', { managerPin: TEST_MANAGER.pin });
    await call(till.core, 'operators.create', { ...CASHIER, role: 'cashier' });
    await call(till.core, 'session.signIn', { operatorId: CASHIER.id, pin: CASHIER.pin });
    toReturn = await confirmedSale(till.core, sandbox, '612 345 678');
    toVoid = await confirmedSale(till.core, sandbox, '655 444 333');
    neverConfirmed = await neverConfirmedSale(till.core);
    expect(neverConfirmed.step).toBe('cancelled');

    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1280, height: 900 }, locale: 'es-ES' });
    await page.addInitScript(() => {
      window.print = () => undefined;
    });
    await page.goto(till.url);
  });

  afterAll(async () => {
    await browser?.close();
    await till?.stop();
    await sandbox?.close();
    removeDir(dataDir);
  });

  async function openSaleByTicket(ticket: string): Promise<void> {
    await page.getByTestId('nav-history').click();
    if ((await page.getByTestId('detail-back').count()) > 0) await page.getByTestId('detail-back').click();
    await page.getByTestId('history-query').fill(ticket);
    await page.getByTestId('history-key').selectOption('ticket');
    await page.getByTestId('history-search').click();
    await expect.poll(() => page.getByTestId('history-row').count()).toBe(1);
    await page.getByTestId('history-open').click();
    await page.getByTestId('sale-detail').waitFor();
  }

  it('masks the phone one way in the history, on the sale’s page and on the sale screens', async () => {
    await page.getByTestId('nav-history').click();
    await expect.poll(() => page.getByTestId('history-row').count()).toBe(3);
    const row = page.locator(`[data-testid="history-row"][data-sale="${toReturn.id}"]`);
    expect(await row.innerText()).toContain('···· 5678');
    await row.getByTestId('history-open').click();
    expect(await page.getByTestId('detail-phone').innerText()).toContain('···· 5678');
  });

  it('after a return made with the keyboard, the focus is on its outcome, not on <body>', async () => {
    await openSaleByTicket(toReturn.ticketNumber!);
    await page.getByTestId('detail-return').focus();
    await page.keyboard.press('Enter');
    const dialog = page.getByTestId('return-dialog');
    await dialog.waitFor();
    // Escape closes it and gives the focus back to the button that opened it.
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    await expect.poll(() => focused(page)).toBe('detail-return');
    await page.keyboard.press('Enter');
    await dialog.waitFor();
    await dialog.locator('[data-line="l2"]').getByTestId('return-more').focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => dialog.getByTestId('return-new-total').innerText()).toContain('448,95');
    // The PIN's hint says what it authorises here.
    expect(await dialog.locator('#return-pin-hint').innerText()).toMatch(/devolución/i);
    await dialog.getByTestId('manager-pin').focus();
    await page.keyboard.type(TEST_MANAGER.pin);
    await page.keyboard.press('Enter');
    await expect
      .poll(() => page.getByTestId('detail-notice').innerText(), { timeout: 15_000 })
      .toContain('SeQura ha aceptado la devolución');
    await expect.poll(() => focused(page)).toBe('detail-notice');
    expect(await focusedTag(page)).not.toBe('BODY');
  });

  it('the copy of the slip names the cashier who sold, not only their operator number', async () => {
    await page.getByTestId('detail-reprint').click();
    const slip = page.getByTestId('copy-slip');
    await slip.waitFor();
    expect(await slip.getByTestId('slip-operator').innerText()).toContain(`${CASHIER.displayName} (${CASHIER.id})`);
    expect(await page.getByTestId('detail-operator').innerText()).toContain(CASHIER.displayName);
    await slip.scrollIntoViewIfNeeded();
    await screenshot(page, 'after-sale-reprint-sale-copy');
  });

  it('after a cancellation made with the keyboard, the focus is on its outcome; no reason code on the page', async () => {
    await openSaleByTicket(toVoid.ticketNumber!);
    await page.getByTestId('detail-cancel').focus();
    await page.keyboard.press('Enter');
    const dialog = page.getByTestId('cancel-dialog');
    await dialog.waitFor();
    expect(await dialog.locator('#cancel-pin-hint').innerText()).toMatch(/anulación/i);
    await dialog.getByTestId('manager-pin').focus();
    await page.keyboard.type(TEST_MANAGER.pin);
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByTestId('detail-notice').innerText(), { timeout: 15_000 }).toMatch(/anulad/i);
    await expect.poll(() => focused(page)).toBe('detail-notice');
    await expect
      .poll(() => page.getByTestId('timeline').locator('li[data-event="cancelled_at_sequra"]').count())
      .toBe(1);

    const timeline = page.getByTestId('timeline');
    expect(await timeline.innerText()).toContain('Lo pide el cliente');
    expect(await timeline.innerText()).toContain('solicitud 1 de esta venta');
    expect(await timeline.innerText()).toContain(CASHIER.displayName);
    expect(await page.getByTestId('sale-detail').innerText()).not.toMatch(INTERNAL_CODE);
    await screenshot(page, 'after-sale-detail-cancelled');
  });

  it('says the same page without internal codes in English and in Catalan', async () => {
    const language = page.locator('.lang-switch select');
    for (const [code, reason] of [
      ['en', 'The shopper asks for it'],
      ['ca', 'Ho demana el client'],
    ] as const) {
      await language.selectOption(code);
      await expect.poll(() => page.getByTestId('timeline').innerText()).toContain(reason);
      expect(await page.getByTestId('sale-detail').innerText()).not.toMatch(INTERNAL_CODE);
    }
    await language.selectOption('es');
    await expect.poll(() => page.getByTestId('timeline').innerText()).toContain('Lo pide el cliente');
  });

  it('labels the day’s rows by product and tells a void from a sale never confirmed (not financed)', async () => {
    await page.getByTestId('nav-report').click();
    await expect.poll(() => page.getByTestId('report-row').count()).toBe(3);
    const row = (sale: SaleRecord) =>
      page.locator('[data-testid="report-row"]').filter({ hasText: sale.ticketNumber ?? '' });

    // Rows are named by SeQura's product name ("Paga Fraccionado"), not one sale's instalment wording ("Desde
    // 39,08 €/mes").
    const returnedRow = await row(toReturn).innerText();
    expect(returnedRow).toContain('Paga Fraccionado');
    expect(returnedRow).not.toMatch(/\/mes/);
    expect(await page.getByTestId('report-by-product').innerText()).toMatch(/Paga Fraccionado\s+\d+\s/);
    expect(await page.getByTestId('report-by-product').innerText()).not.toContain('pp3');

    const voided = page.locator('[data-testid="report-row"]').filter({ hasText: toVoid.ticketNumber! });
    expect(await voided.getByTestId('status-badge').getAttribute('data-status')).toBe('voided');
    const voidLabel = await voided.getByTestId('status-badge').innerText();

    const never = page.getByTestId('report-row').filter({ has: page.locator('[data-status="never_confirmed"]') });
    expect(await never.count()).toBe(1);
    const neverLabel = await never.getByTestId('status-badge').innerText();
    expect(neverLabel).toBe('Cancelada sin confirmar');
    expect(voidLabel).toBe('Anulada en SeQura');
    expect(neverLabel).not.toBe(voidLabel);
    expect(await never.getByTestId('report-row-financed').innerText()).toBe('sin financiar');
    expect(await never.innerText()).not.toMatch(/Financiad|468,90/);
    // Counted apart from the confirmed sales: one cancelled before confirmation, none financed for it.
    expect(await page.getByTestId('tile-cancelled-before').innerText()).toMatch(/\s1$/);
    await screenshot(page, 'after-sale-report-void-and-never-confirmed');
  });

  it('closing the day: a cashier’s own PIN is refused, the hint says what the PIN is for, the outcome takes the focus', async () => {
    await page.getByTestId('report-close').focus();
    await page.keyboard.press('Enter');
    const dialog = page.getByTestId('close-warning');
    await dialog.waitFor();
    expect(await focused(page)).toBe('manager-pin');
    const hint = await dialog.locator('#close-day-pin-hint').innerText();
    expect(hint).toMatch(/Cerrar el día/);
    expect(hint).toMatch(/encargado/);
    expect(hint).not.toMatch(/devoluci|anulaci/i);
    await page.keyboard.type(CASHIER.pin);
    await page.keyboard.press('Enter');
    await dialog.getByTestId('dialog-error').or(dialog.locator('[role="alert"]')).first().waitFor();
    expect(await page.getByTestId('report-closed').count()).toBe(0);
    expect(await page.getByTestId('report-closure').count()).toBe(0);
    await page.screenshot({ path: 'docs/screenshots/after-sale-close-cashier-pin.png' });

    await dialog.getByTestId('manager-pin').fill('');
    await dialog.getByTestId('manager-pin').focus();
    await page.keyboard.type(TEST_MANAGER.pin);
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByTestId('report-closed').count()).toBe(1);
    await expect.poll(() => focused(page)).toBe('report-closed');
  });

  it('the settings’ PIN prompt has the focus in its PIN field, and the keyboard opens the settings', async () => {
    await page.getByTestId('session-settings').click();
    await page.getByTestId('admin-elevate-pin').waitFor();
    await expect.poll(() => focused(page)).toBe('admin-elevate-pin');
    await page.keyboard.type(TEST_MANAGER.pin);
    await page.keyboard.press('Enter');
    await page.getByTestId('admin-operators').or(page.getByTestId('admin-close')).first().waitFor();
    await expect.poll(() => page.getByTestId('admin-elevate-pin').count()).toBe(0);
    await page.getByTestId('admin-close').click();
  });
});
