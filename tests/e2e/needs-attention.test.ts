import type { Browser, Page } from 'playwright';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningSandbox } from '../../sandbox/index.ts';
import type { OutboxItem } from '../../shared/ipc/sale-schemas.ts';
import type { SaleRecord } from '../../shared/sale/sale-record.ts';
import { approvedSale, call, setFaults, waitFor } from '../support/till.ts';
import {
  launchBrowser,
  makeDataDir,
  removeDir,
  screenshot,
  startStandaloneSandbox,
  startTill,
  type RunningTill,
} from './harness.ts';

// A sale that needs a person (here: a confirmation SeQura never answered before the give-up horizon) says why
// in the cashier's language, from the catalogue, chosen by the core's typed reason code. The core's own
// English sentence stays for IT: in the log, and one click away under "details" — never as the message.
let sandbox: RunningSandbox;
let browser: Browser;
let page: Page;
let till: RunningTill;
let dataDir: string;
let clockOffsetMs = 0;

beforeAll(async () => {
  sandbox = await startStandaloneSandbox();
  browser = await launchBrowser();
  dataDir = makeDataDir('needs-attention-');
  till = await startTill({ dataDir, sandbox, clock: () => new Date(Date.now() + clockOffsetMs) });
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
});
afterAll(async () => {
  await page?.close();
  await till?.stop();
  await browser?.close();
  await setFaults(sandbox, null);
  await sandbox?.close();
  removeDir(dataDir);
});

const EXPECTED = {
  es: {
    sale: /SeQura no ha respondido a la confirmación/,
    detail: /Detalle para soporte/,
    stillConfirming: /Confirmando la venta/,
    retry: 'Reintentar ahora',
  },
  ca: {
    sale: /SeQura no ha respost a la confirmació/,
    detail: /Detall per al suport/,
    stillConfirming: /Confirmant la venda/,
    retry: 'Torna-ho a provar ara',
  },
  en: {
    sale: /SeQura never answered the confirmation/,
    detail: /Details for support/,
    stillConfirming: /Confirming the sale/,
    retry: 'Retry now',
  },
} as const;

describe('a sale that needs attention', () => {
  it('says why in the till’s language (es, ca, en), with the core’s English only as a detail for IT', async () => {
    const created = await approvedSale(till.core, sandbox);
    // SeQura cannot be reached when the cashier confirms, and stays so past the give-up horizon (72 h).
    await setFaults(sandbox, { match: 'PUT /orders', reset_before_rate: 1 });
    await call(till.core, 'sale.confirm', { saleId: created.id });
    clockOffsetMs = 73 * 3600_000;
    const { items } = await call<{ items: OutboxItem[] }>(till.core, 'outbox.list');
    await call(till.core, 'outbox.retryNow', { instructionId: items.find((i) => i.kind === 'confirm')!.id });
    const current = async () => (await call<{ sale: SaleRecord | null }>(till.core, 'sale.current')).sale;
    const sale = (await waitFor(current, (s) => s?.needsAttention != null, 20_000))!;
    const coreWords = sale.needsAttention!.reason;
    expect(coreWords.length).toBeGreaterThan(0);

    for (const language of ['es', 'ca', 'en'] as const) {
      await call(till.core, 'app.setLanguage', { language });
      await page.goto(till.url);
      await page.getByTestId('nav-sale').click();
      const notice = page.getByTestId('sale-needs-attention');
      await notice.waitFor();
      // The notice's message (its details line, for IT, may still be open from the previous language).
      const text = await notice.locator('> p').innerText();
      expect(text, language).toMatch(EXPECTED[language].sale);
      // The core's sentence is not the message; it is under the details line, for IT.
      expect(text, language).not.toContain(coreWords);
      const details = notice.getByTestId('attention-details');
      expect(await details.locator('summary').innerText(), language).toMatch(EXPECTED[language].detail);
      // Opened, the details line gives IT the core's own words.
      if (!(await details.evaluate((element) => (element as HTMLDetailsElement).open)))
        await details.locator('summary').click();
      expect(await details.innerText()).toContain(coreWords);
      // The till has stopped confirming: nothing under the notice may say it is still at it (no spinner, no
      // "Confirming the sale…"), and the step offers what to do instead.
      const step = page.getByTestId('sale-step');
      expect(await step.getAttribute('data-step')).toBe('confirming');
      expect(await page.getByTestId('sale-screen').locator('.spinner').count(), language).toBe(0);
      expect(await step.innerText(), language).not.toMatch(EXPECTED[language].stillConfirming);
      expect(await step.getByRole('heading', { level: 1 }).innerText(), language).not.toMatch(
        EXPECTED[language].stillConfirming,
      );
      expect(await page.getByTestId('confirming-stopped').isVisible(), language).toBe(true);
      expect(await step.getByRole('button', { name: EXPECTED[language].retry }).isVisible(), language).toBe(true);
      if (language === 'es') await screenshot(page, 'sale-needs-attention');

      await page.getByTestId('nav-history').click();
      await page.getByTestId('history-row').first().getByTestId('history-open').click();
      const detail = page.getByTestId('detail-attention');
      await detail.waitFor();
      expect(await detail.locator('> p').innerText(), language).toMatch(EXPECTED[language].sale);
      expect(await detail.locator('> p').innerText(), language).not.toContain(coreWords);
      if (language === 'es') await screenshot(page, 'detail-needs-attention');

      await page.getByTestId('nav-pending').click();
      const row = page.locator('[data-testid="pending-item"][data-state="needs_attention"]');
      await row.waitFor();
      expect(await row.innerText(), language).not.toContain(coreWords);
      if (language === 'es') await screenshot(page, 'pending-needs-attention');
    }
    await call(till.core, 'app.setLanguage', { language: 'es' });
  }, 90_000);

  it('a handover notice given up on: the step no longer says it is telling SeQura, and offers a retry', async () => {
    const current = async () => (await call<{ sale: SaleRecord | null }>(till.core, 'sale.current')).sale;
    const previous = await current();
    if (previous) await call(till.core, 'sale.close', { saleId: previous.id });
    const created = await approvedSale(till.core, sandbox);
    // SeQura confirms, then answers every handover notice with a server error, past the give-up horizon.
    await setFaults(sandbox, { match: 'PUT /merchants', error_rate: 1 });
    await call(till.core, 'sale.confirm', { saleId: created.id });
    await waitFor(current, (s) => s?.step === 'handing_over', 20_000);
    clockOffsetMs += 73 * 3600_000;
    const { items } = await call<{ items: OutboxItem[] }>(till.core, 'outbox.list');
    const handover = items.find((i) => i.saleId === created.id && i.kind === 'handover')!;
    await call(till.core, 'outbox.retryNow', { instructionId: handover.id });
    await waitFor(current, (s) => s?.needsAttention?.code === 'handover_gave_up', 20_000);

    await page.goto(till.url);
    await page.getByTestId('nav-sale').click();
    await page.getByTestId('sale-needs-attention').waitFor();
    const step = page.getByTestId('sale-step');
    expect(await step.getAttribute('data-step')).toBe('handing_over');
    const text = await step.innerText();
    // Neither "Telling SeQura about the handover…" nor "goes out by itself": the till has stopped trying.
    expect(text).not.toMatch(/Avisando a SeQura/);
    expect(text).not.toMatch(/(?<!ya no )saldrá solo/);
    expect(await page.getByTestId('sale-screen').locator('.spinner').count()).toBe(0);
    expect(await step.getByRole('button', { name: 'Reintentar ahora' }).isVisible()).toBe(true);
    await screenshot(page, 'sale-handover-needs-attention');
  }, 90_000);
});
