import type { Browser, Page } from 'playwright';
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import type { RunningSandbox } from '../../sandbox/index.ts';
import { setFaults } from '../support/till.ts';
import {
  launchBrowser,
  makeDataDir,
  removeDir,
  startStandaloneSandbox,
  startTill,
  type RunningTill,
} from './harness.ts';

// What a cashier does with the keyboard on the sale screens, in one place for the e2e tests and the
// renderer bench: the labels here are the ones a cashier reads (Spanish, the default language).
export async function openSale(page: Page, url: string): Promise<void> {
  await page.goto(url);
  const step = page.getByTestId('sale-step');
  await step.waitFor();
  if ((await step.getAttribute('data-step')) !== 'draft') await page.getByTestId('sale-new').click();
  await page.locator('[data-step="draft"][data-stage="cart"]').waitFor();
}

export async function addLine(
  page: Page,
  line: { reference: string; name: string; price: string; quantity?: string },
): Promise<void> {
  await page.getByLabel('Referencia', { exact: true }).fill(line.reference);
  await page.getByLabel('Descripción', { exact: true }).fill(line.name);
  await page.getByLabel('Precio (IVA incl.)').fill(line.price);
  await page.getByLabel('Cantidad', { exact: true }).fill(line.quantity ?? '1');
  await page.getByTestId('cart-add-line').click();
}

/** From the cart to the shopper form, then the shopper's details (a valid DNI and a Spanish mobile). */
export async function fillShopper(page: Page, overrides: { givenNames?: string } = {}): Promise<void> {
  await page.getByTestId('cart-continue').click();
  await page.locator('[data-step="draft"][data-stage="shopper"]').waitFor();
  await page.getByLabel('Nombre', { exact: true }).fill(overrides.givenNames ?? 'María José');
  await page.getByLabel('Primer apellido').fill('García');
  await page.getByLabel('Segundo apellido').fill('López');
  await page.getByLabel('DNI / NIE').fill('23232323T');
  await page.getByLabel('Fecha de nacimiento', { exact: false }).fill('17/05/1990');
  await page.getByLabel('Móvil').fill('612 345 678');
  await page.getByLabel('Email').fill('maria@example.com');
}

export interface SaleFixture {
  sandbox: RunningSandbox;
  browser: Browser;
  till: RunningTill;
  page: Page;
  dataDir: string;
}

/**
 * One sandbox and one Chromium per test file; a fresh till (own data directory, live against the
 * sandbox) and page per test, with the sandbox reset and its faults cleared between tests.
 */
export function useSaleFixture(): SaleFixture {
  const fixture = {} as SaleFixture;
  beforeAll(async () => {
    fixture.sandbox = await startStandaloneSandbox();
    fixture.browser = await launchBrowser();
  });
  afterAll(async () => {
    await fixture.browser?.close();
    await fixture.sandbox?.close();
  });
  beforeEach(async () => {
    await fetch(`${fixture.sandbox.baseUrl}/__sandbox/reset`, { method: 'POST' });
    fixture.dataDir = makeDataDir();
    fixture.till = await startTill({ dataDir: fixture.dataDir, sandbox: fixture.sandbox });
    fixture.page = await fixture.browser.newPage({ viewport: { width: 1280, height: 900 } });
  });
  afterEach(async () => {
    await setFaults(fixture.sandbox, null);
    await fixture.page?.close();
    await fixture.till?.stop();
    removeDir(fixture.dataDir);
  });
  return fixture;
}
