import type { Browser, Page } from 'playwright';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningSandbox } from '../../sandbox/index.ts';
import { sandboxOrder, shopper } from '../support/till.ts';
import { ticketThief } from '../support/ticket-thief.ts';
import { addLine, fillShopper, openSale } from './cashier-ui.ts';
import {
  launchBrowser,
  makeDataDir,
  removeDir,
  screenshot,
  startStandaloneSandbox,
  startTill,
  type RunningTill,
} from './harness.ts';

// A ticket number SeQura says is already used, as the cashier and the manager see it: the sale simply ends
// confirmed (with a new number on the slip), and the sale's timeline in the history tells what happened.
let sandbox: RunningSandbox;
let browser: Browser;
let till: RunningTill;
let page: Page;
let dataDir: string;
let thief: ReturnType<typeof ticketThief>;

beforeAll(async () => {
  sandbox = await startStandaloneSandbox();
  browser = await launchBrowser();
  dataDir = makeDataDir();
  thief = ticketThief(sandbox);
  till = await startTill({ dataDir, sandbox, fetch: thief.fetch });
  page = await browser.newPage({ viewport: { width: 1280, height: 900 }, locale: 'es-ES' });
});
afterAll(async () => {
  await page?.close();
  await browser?.close();
  await till?.stop();
  await sandbox?.close();
  removeDir(dataDir);
});

describe('a ticket number already used at SeQura', () => {
  it('ends confirmed with a new number, and the timeline shows both', async () => {
    await openSale(page, till.url);
    await addLine(page, { reference: '8412345678901', name: 'Sofá 3 plazas', price: '499,00' });
    await fillShopper(page);
    await page.getByTestId('shopper-start').click();
    await page.locator('[data-testid="sale-step"][data-step="choose_product"]').waitFor();
    await page.locator('[data-testid="product-option"][data-product="pp3"]').click();
    await page.getByTestId('product-send-sms').click();
    await page.locator('[data-testid="sale-step"][data-step="awaiting_approval"]').waitFor();
    const current = await till.core.dispatch('sale.current', {}, true);
    if (!current.ok) throw new Error(current.error.message);
    const uuid = (current.data as { sale: { solicitation: { uuid: string } } }).sale.solicitation.uuid;
    await shopper(sandbox, uuid, 'approve');
    await page.getByTestId('approval-confirm').click();
    await page.locator('[data-testid="sale-step"][data-step="done"]').waitFor({ timeout: 15_000 });

    const [stolen] = thief.state.stolen;
    const ticket = (await page.getByTestId('slip-ticket').innerText()).match(/TIENDA-01-03(-[0-9A-Z]{4}){3}/)?.[0];
    expect(stolen).toBeDefined();
    expect(ticket).toBeDefined();
    expect(ticket).not.toBe(stolen);
    expect((await sandboxOrder(sandbox, uuid)).order_ref_1).toBe(ticket);

    await page.getByTestId('nav-history').click();
    await page.getByTestId('history-query').fill(ticket!);
    await page.getByTestId('history-key').selectOption('ticket');
    await page.getByTestId('history-search').click();
    await expect.poll(() => page.getByTestId('history-row').count()).toBe(1);
    await page.getByTestId('history-open').click();
    const entry = page.getByTestId('timeline').locator('li[data-event="ticket_replaced"]');
    await expect.poll(() => entry.count()).toBe(1);
    const text = await entry.innerText();
    expect(text).toContain('Ticket ya usado en SeQura: número nuevo');
    expect(text).toContain(`${stolen} → ${ticket}`);
    await entry.scrollIntoViewIfNeeded();
    await screenshot(page, 'sale-ticket-replaced-timeline');
  });
});
