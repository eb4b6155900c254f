import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright';
import { launchBrowser, makeDataDir, removeDir, screenshot, startTill, type RunningTill } from './harness.ts';

// A corrupted journal never crashes the till nor silently disappears — the app opens with a recovery
// screen that names the file, says what was kept and where, and goes away only when someone acknowledges it.
describe('recovery screen for a corrupted journal', () => {
  let browser: Browser;
  let till: RunningTill | null = null;
  let page: Page;
  const dataDir = makeDataDir();
  const salesDir = join(dataDir, 'training'); // a fresh install sells in training mode, in its own folder

  beforeAll(async () => {
    mkdirSync(salesDir, { recursive: true });
    // What a power cut can leave on a disk that lost the tail of the file.
    writeFileSync(
      join(salesDir, 'journal.json'),
      '{\n\t"schemaVersion": 1,\n\t"currentSaleId": "a1",\n\t"ticketSequence": 12,\n\t"sales": {\n\t\t"a1": {\n\t\t\t"id": "a1",',
    );
    till = await startTill({ dataDir });
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  });

  afterAll(async () => {
    await browser?.close();
    await till?.stop();
    removeDir(dataDir);
  });

  it('opens on the recovery screen naming the set-aside file, and the till still works', async () => {
    await page.goto(till!.url);
    const screen = page.getByTestId('recovery-screen');
    await expect.poll(() => screen.count()).toBe(1);
    expect(await screen.getByRole('heading').innerText()).toContain('Se han apartado archivos');
    const item = page.getByTestId('recovery-file-journal');
    expect(await item.innerText()).toContain('Diario de ventas');
    expect(await item.innerText()).toContain('dañado o incompleto');
    // Kept aside untouched where the first start of the database version puts an earlier version's files.
    const keptDir = join(dataDir, 'before-database', 'training');
    const [setAside] = readdirSync(keptDir).filter((f) => f.startsWith('journal.corrupt-'));
    expect(await item.getByTestId('recovery-path').innerText()).toBe(join(keptDir, setAside!));
    await screenshot(page, 'recovery-es');
  });

  it('stays until acknowledged (a reload or restart shows it again), then is gone for good', async () => {
    await page.reload();
    await expect.poll(() => page.getByTestId('recovery-screen').count()).toBe(1);
    await till!.stop();
    till = await startTill({
      dataDir,
      port: Number(new URL(till!.url).port),
      token: new URL(till!.url).hash.replace('#token=', ''),
    });
    await page.goto(till.url);
    await expect.poll(() => page.getByTestId('recovery-screen').count()).toBe(1);
    await page.getByTestId('recovery-acknowledge').click();
    await expect.poll(() => page.getByTestId('recovery-screen').count()).toBe(0);
    await page.reload();
    await page.waitForTimeout(300);
    expect(await page.getByTestId('recovery-screen').count()).toBe(0);
    // The set-aside file itself is kept.
    expect(
      readdirSync(join(dataDir, 'before-database', 'training')).filter((f) => f.startsWith('journal.corrupt-')),
    ).toHaveLength(1);
  });
});
