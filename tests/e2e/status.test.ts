import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright';
import { launchBrowser, makeDataDir, removeDir, screenshot, startTill, type RunningTill } from './harness.ts';

describe('till status screen (fresh install: training mode)', () => {
  let browser: Browser;
  let till: RunningTill;
  let page: Page;
  const dataDir = makeDataDir();

  beforeAll(async () => {
    till = await startTill({ dataDir });
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  });

  afterAll(async () => {
    await browser?.close();
    await till?.stop();
    removeDir(dataDir);
  });

  it('shows version, mode, environment and connectivity in Spanish', async () => {
    await page.goto(till.url);
    // The till opens on the sale; the status screen is one click away.
    await page.getByTestId('nav-status').click();
    await expect.poll(() => page.getByRole('heading', { name: 'Estado del terminal' }).count()).toBe(1);
    expect(await page.getByTestId('status-version').innerText()).toContain('0.0.0-test');
    expect(await page.getByTestId('status-mode').innerText()).toContain('FORMACIÓN');
    expect(await page.getByTestId('status-environment').innerText()).toContain('Sandbox de formación');
    expect(await page.getByTestId('training-banner').innerText()).toContain('MODO FORMACIÓN');
    // The connectivity pill is fed by an event from main: the first probe reaches the training sandbox.
    await expect.poll(() => page.getByTestId('connectivity-pill').getAttribute('data-state')).toBe('online');
    expect(await page.getByTestId('connectivity-pill').innerText()).toContain('SeQura en línea');
    expect(await page.locator('html').getAttribute('lang')).toBe('es');
    await screenshot(page, 'status-es');
  });

  it('switches to English and remembers it across a reload', async () => {
    await page.getByLabel('Idioma').selectOption('en');
    await expect.poll(() => page.getByRole('heading', { name: 'Till status' }).count()).toBe(1);
    expect(await page.getByTestId('status-mode').innerText()).toContain('TRAINING');
    expect(await page.getByTestId('connectivity-pill').innerText()).toContain('SeQura online');
    await page.reload();
    await page.getByTestId('nav-status').click();
    await expect.poll(() => page.getByRole('heading', { name: 'Till status' }).count()).toBe(1);
    expect(await page.locator('html').getAttribute('lang')).toBe('en');
    await screenshot(page, 'status-en');
    await page.getByLabel('Language').selectOption('es');
    await expect.poll(() => page.getByRole('heading', { name: 'Estado del terminal' }).count()).toBe(1);
  });

  it('switches to Catalan: every word on the screen from the Catalan catalogue', async () => {
    await page.getByLabel('Idioma').selectOption('ca');
    await expect.poll(() => page.getByRole('heading', { name: 'Estat del terminal' }).count()).toBe(1);
    expect(await page.locator('html').getAttribute('lang')).toBe('ca');
    expect(await page.getByTestId('status-mode').innerText()).toContain('FORMACIÓ');
    expect(await page.getByTestId('status-environment').innerText()).toContain('Sandbox de formació');
    expect(await page.getByTestId('training-banner').innerText()).toContain('MODE FORMACIÓ — les vendes no són reals');
    expect(await page.getByTestId('connectivity-pill').innerText()).toContain('SeQura en línia');
    await screenshot(page, 'status-ca');
    await page.getByLabel('Idioma').selectOption('es');
    await expect.poll(() => page.getByRole('heading', { name: 'Estado del terminal' }).count()).toBe(1);
  });

  it('refuses a page that does not carry the per-run token', async () => {
    const stranger = await browser.newPage();
    await stranger.goto(till.url.replace(/#token=.*/, '#token=wrong'));
    await expect.poll(() => stranger.getByRole('status').innerText()).toContain('no acepta esta página');
    await stranger.close();
  });
});
