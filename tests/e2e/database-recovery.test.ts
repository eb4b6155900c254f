import { AxeBuilder } from '@axe-core/playwright';
import { closeSync, existsSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright';
import { damageWhereTheStartDoesNotRead, heldCheck } from '../support/till.ts';
import { launchBrowser, makeDataDir, removeDir, screenshot, startTill, type RunningTill } from './harness.ts';

// A damaged till database: the app opens on the database recovery screen and nothing else (no sign-in, no
// "create the first manager", no sale screen), saying what happened, where the untouched file is, and what
// the cashier and store IT do next.

/** What has the keyboard focus: its test id, else its tag and the id of its nearest element that has one. */
const focused = (page: Page) =>
  page.evaluate(() => {
    const active = document.activeElement;
    if (!active || active === document.body) return 'body';
    const testId = active.closest('[data-testid]')?.getAttribute('data-testid') ?? '';
    return `${active.tagName.toLowerCase()}${active.id ? `#${active.id}` : ''} in ${testId}`;
  });

describe('database recovery screen', () => {
  let browser: Browser;
  let till: RunningTill | null = null;
  let page: Page;
  const dataDir = makeDataDir();

  beforeAll(async () => {
    // A till that ran once (its database exists), then a disk that damaged a few pages of it.
    const first = await startTill({ dataDir });
    await first.stop();
    const fd = openSync(join(dataDir, 'till.db'), 'r+');
    writeSync(fd, Buffer.alloc(3 * 4096, 0xa5), 0, 3 * 4096, 4096);
    closeSync(fd);
    till = await startTill({ dataDir, signIn: false });
    browser = await launchBrowser();
    // A context of its own: axe-core runs on this page too.
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    page = await context.newPage();
  });

  afterAll(async () => {
    await browser?.close();
    await till?.stop();
    removeDir(dataDir);
  });

  it('says the database is damaged, where it was kept, and what to do; nothing else is offered', async () => {
    await page.goto(till!.url);
    const screen = page.getByTestId('database-recovery-screen');
    await expect.poll(() => screen.count()).toBe(1);
    expect(await screen.getByRole('heading', { level: 1 }).innerText()).toBe(
      'La base de datos del terminal está dañada: este terminal no puede vender',
    );
    const text = await screen.innerText();
    expect(text).toContain('No vendas en este terminal. Avisa al soporte informático');
    const keptAt = await page.getByTestId('database-kept-at').innerText();
    expect(keptAt).toMatch(/set-aside[\\/]till-db-/);
    expect(existsSync(join(keptAt, 'till.db'))).toBe(true);
    expect(text).toContain(join(dataDir, 'start-new-database.txt'));
    // No sign-in, no first-run manager creation, no sale screen behind it.
    expect(await page.getByTestId('session-bar').count()).toBe(0);
    expect(await page.getByRole('button', { name: /encargad/i }).count()).toBe(0);
    expect(await page.getByTestId('sale-screen').count()).toBe(0);
    // SeQura is not called while the database is being recovered: the pill says so, instead of claiming to
    // check it forever.
    const pill = page.getByTestId('connectivity-pill');
    expect(await pill.getAttribute('data-state')).toBe('not_used');
    expect(await pill.innerText()).toBe('SeQura no se usa mientras se recupera la base de datos');
    await screenshot(page, 'database-damaged-es');
  });

  it('shows no navigation to screens that cannot open; focus starts on the heading; the language switch stays', async () => {
    await page.goto(till!.url);
    await page.getByTestId('database-recovery-screen').waitFor();
    // Sale, Pending, Sales, Day close, Status: none of them can open while the database is being recovered.
    for (const target of ['sale', 'pending', 'history', 'report', 'status'])
      expect(await page.getByTestId(`nav-${target}`).isVisible(), target).toBe(false);
    expect(await page.getByRole('navigation').count()).toBe(0);
    // The keyboard starts on the screen's heading (read first by a screen reader), never on the bare page.
    await expect.poll(() => focused(page)).toBe('h1#database-recovery-heading in database-recovery-screen');
    // Walking the page with Tab reaches the language switch and nothing that leads nowhere.
    const reached: string[] = [];
    for (let press = 0; press < 6; press++) {
      await page.keyboard.press('Tab');
      reached.push(
        await page.evaluate(() => {
          const active = document.activeElement;
          return active ? `${active.tagName.toLowerCase()}:${active.getAttribute('aria-label') ?? ''}` : 'none';
        }),
      );
    }
    expect(reached).toContain('select:Idioma');
    expect(reached.filter((entry) => entry.startsWith('button'))).toEqual([]);
    // The language switch works here: the screen is read in English.
    await page.getByLabel('Idioma').selectOption('en');
    const heading = page.getByTestId('database-recovery-screen').getByRole('heading', { level: 1 });
    await expect.poll(() => heading.innerText()).toBe('The till database is damaged: this till cannot sell');
    for (const language of ['en', 'es'] as const) {
      if (language === 'es') await page.getByLabel('Language').selectOption('es');
      await expect.poll(() => page.evaluate(() => document.documentElement.lang)).toBe(language);
      const result = await new AxeBuilder({ page })
        .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'])
        .analyze();
      expect(result.violations.map((v) => `${language} ${v.id}: ${v.nodes.map((n) => n.target).join(', ')}`)).toEqual(
        [],
      );
    }
  });
});

// Damage the start does not read is found by the integrity check that runs beside it: the page that already
// shows the sign-in screen turns into the database recovery screen by itself, without a restart.
describe('database recovery screen after the check beside the start', () => {
  let browser: Browser;
  let till: RunningTill | null = null;
  const dataDir = makeDataDir();

  afterAll(async () => {
    await browser?.close();
    await till?.stop();
    removeDir(dataDir);
  });

  it('the sign-in screen shown before the verdict becomes the recovery screen', async () => {
    const first = await startTill({ dataDir });
    await first.stop();
    damageWhereTheStartDoesNotRead(join(dataDir, 'till.db'));
    const events: string[] = [];
    const check = heldCheck(events);
    till = await startTill({ dataDir, signIn: false, runQuickCheck: check.runner });
    browser = await launchBrowser();
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(till.url);
    await expect.poll(() => page.getByTestId('signin-screen').count()).toBe(1);

    check.release();
    const screen = page.getByTestId('database-recovery-screen');
    await expect.poll(() => screen.count()).toBe(1);
    expect(await page.getByTestId('signin-screen').count()).toBe(0);
    expect(await page.getByTestId('database-kept-at').innerText()).toMatch(/set-aside[\\/]till-db-/);
    expect(events).toEqual(['verdict damaged']);
    // The sign-in field that had the focus is gone: the focus moves to the recovery screen, not the bare page.
    await expect.poll(() => focused(page)).toBe('h1#database-recovery-heading in database-recovery-screen');
  });
});

describe('full database check in the settings', () => {
  let browser: Browser;
  let till: RunningTill | null = null;
  const dataDir = makeDataDir();

  beforeAll(async () => {
    till = await startTill({ dataDir, signIn: false });
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await till?.stop();
    removeDir(dataDir);
  });

  it('a manager runs it and sees the result', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(till!.url);
    await page.getByLabel('Operador').fill('0009');
    await page.getByLabel('PIN', { exact: true }).fill('9999');
    await page.getByLabel('PIN', { exact: true }).press('Enter');
    await page.getByTestId('session-settings').click();
    await page.getByTestId('admin-elevate-pin').fill('9999');
    await page.getByTestId('admin-elevate-pin').press('Enter');
    await page.getByTestId('admin-check-database').click();
    const result = page.getByTestId('admin-database-result');
    await expect.poll(() => result.count()).toBe(1);
    expect(await result.getAttribute('data-ok')).toBe('true');
    expect(await result.innerText()).toMatch(/^Base de datos íntegra \(comprobada el .+, \d+ ms\)\.$/);
    await page.getByTestId('admin-database').scrollIntoViewIfNeeded();
    await page.getByTestId('admin-database').screenshot({ path: 'docs/screenshots/admin-database-check-es.png' });
  });
});
