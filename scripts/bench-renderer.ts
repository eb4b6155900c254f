// The renderer's share of "from SeQura's answer to the next screen": in real Chromium, the time from the
// moment main's message reaches the page (WebSocket frame) to the moment the next step is on screen (the
// step container's data-step changes, measured after the next animation frame). Run by `npm run bench:flow`
// after the core phase. Drives N sales through the real UI against the sandbox.
import { resolve } from 'node:path';
import { chromium } from 'playwright';
import { startSandbox } from '../sandbox/index.ts';
import { startPreviewHost } from '../electron/preview/host.ts';
import { addLine, fillShopper, openSale } from '../tests/e2e/cashier-ui.ts';
import { makeDataDir, removeDir, shopper, startCore } from '../tests/support/till.ts';

export async function benchRenderer(sales: number): Promise<number[]> {
  const sandbox = await startSandbox({ port: 0, quiet: true });
  const dataDir = makeDataDir('bench-renderer-');
  const core = await startCore({ dataDir, sandbox });
  const host = await startPreviewHost({ core, rendererDir: resolve('dist/renderer') });
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  const page = await browser.newPage();
  // Timestamp every message from main, and every step change on screen (after it is painted).
  await page.addInitScript(() => {
    const w = window as unknown as { __lastMessageAt: number; __stepLatencies: number[] };
    w.__lastMessageAt = 0;
    w.__stepLatencies = [];
    const Native = window.WebSocket;
    window.WebSocket = class extends Native {
      constructor(url: string | URL, protocols?: string | string[]) {
        super(url, protocols);
        this.addEventListener('message', () => (w.__lastMessageAt = performance.now()));
      }
    } as typeof WebSocket;
    let lastStep = '';
    new MutationObserver(() => {
      const step = document.querySelector('[data-testid="sale-step"]')?.getAttribute('data-step') ?? '';
      if (step && step !== lastStep) {
        lastStep = step;
        const messageAt = w.__lastMessageAt;
        requestAnimationFrame(() => w.__stepLatencies.push(performance.now() - messageAt));
      }
    }).observe(document, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-step'] });
  });
  const step = (name: string) => page.locator(`[data-testid="sale-step"][data-step="${name}"]`).waitFor();
  for (let i = 0; i < sales; i++) {
    await openSale(page, host.url);
    await addLine(page, { reference: `84100000${i}`, name: 'Silla', price: '120,00' });
    await fillShopper(page, { givenNames: 'María' });
    await page.getByTestId('shopper-start').click();
    await step('choose_product');
    await page.locator('[data-testid="product-option"][data-product="i1"]').click();
    await page.getByTestId('product-send-sms').click();
    await step('awaiting_approval');
    const answer = await core.dispatch('sale.current', {}, true);
    const uuid = answer.ok ? (answer.data as { sale: { solicitation: { uuid: string } } }).sale.solicitation.uuid : '';
    await shopper(sandbox, uuid, 'approve');
    await page.getByTestId('approval-confirm').click();
    await step('done');
  }
  const latencies = await page.evaluate(() => (window as unknown as { __stepLatencies: number[] }).__stepLatencies);
  await browser.close();
  await host.close();
  await core.stop();
  await sandbox.close();
  removeDir(dataDir);
  return latencies;
}
