import { readFileSync } from 'node:fs';
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright';
import { launchBrowser, makeDataDir, removeDir, screenshot, startTill, type RunningTill } from './harness.ts';

// What a manager sees in the settings when the audit log's last entries were removed while the till was off.
let browser: Browser;
let till: RunningTill;
let page: Page;
const dataDir = makeDataDir();

beforeAll(async () => {
  browser = await launchBrowser();
  const first = await startTill({ dataDir });
  await first.stop();
  // Any SQLite client will do: the last entry goes.
  const db = new Database(join(dataDir, 'till.db'));
  db.prepare('DELETE FROM audit_log WHERE seq = (SELECT MAX(seq) FROM audit_log)').run();
  db.close();
  till = await startTill({ dataDir, signIn: false });
  page = await browser.newPage({ viewport: { width: 1280, height: 860 } });
  await page.goto(till.url);
});
afterAll(async () => {
  await page?.close();
  await till?.stop();
  await browser?.close();
  removeDir(dataDir);
});

describe('audit log tamper check on the settings screen', () => {
  it('says the log was tampered with, and the export says so too', async () => {
    await page.getByLabel('Operador').fill('0009');
    await page.getByLabel('PIN', { exact: true }).fill('9999');
    await page.getByLabel('PIN', { exact: true }).press('Enter');
    await page.getByTestId('session-settings').click();
    await page.getByTestId('admin-elevate-pin').fill('9999');
    await page.getByTestId('admin-elevate-pin').press('Enter');
    await expect.poll(() => page.getByTestId('admin-audit-chain').count()).toBe(1);
    expect(await page.getByTestId('admin-audit-chain').innerText()).toContain(
      'El registro de auditoría ha sido alterado',
    );
    await page.getByTestId('admin-export-audit').click();
    const exported = await page.getByTestId('admin-export-audit-path').innerText();
    const file = /Guardado en (.+)$/.exec(exported)![1]!;
    expect(JSON.parse(readFileSync(file, 'utf8').split('\n')[0]!).chain.state).toBe('broken');
    await page.getByTestId('admin-audit-chain').scrollIntoViewIfNeeded();
    await screenshot(page, 'admin-audit-chain-broken-es');
  });
});
