// A keyboard-only sale, as a cashier with a scanner and a keyboard does it, timed and with its keystrokes
// counted: cart (two scanned lines), shopper, product, SMS, confirm once the phone says approved, print.
// Run: npx vite build --logLevel warn && npx tsx scripts/bench-keyboard-sale.ts
import { launchBrowser, makeDataDir, removeDir, startStandaloneSandbox, startTill } from '../tests/e2e/harness.ts';
import { shopper } from '../tests/support/till.ts';
import { parseScriptArgs } from './script-args.ts';

parseScriptArgs({
  command: 'npx vite build --logLevel warn && npx tsx scripts/bench-keyboard-sale.ts',
  summary: 'A keyboard-only sale in Chromium, timed, with its keystrokes counted.',
  options: {},
});

const sandbox = await startStandaloneSandbox();
const dataDir = makeDataDir();
const till = await startTill({ dataDir, sandbox });
const browser = await launchBrowser();
const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
let keys = 0;
const press = async (key: string) => {
  keys++;
  await page.keyboard.press(key);
};
const type = async (text: string) => {
  keys += [...text].length;
  await page.keyboard.type(text);
};
const step = (name: string) => page.locator(`[data-testid="sale-step"][data-step="${name}"]`).waitFor();
// A person reads each new screen before pressing on; presses in its first 700 ms are ignored by design.
const read = () => page.waitForTimeout(800);

await page.goto(till.url);
await page.getByTestId('sale-new').or(page.locator('[data-step="draft"]')).first().waitFor();
// Opening the first sale is set-up, not part of the timed sale.
if (await page.getByTestId('sale-new').isVisible()) await page.getByTestId('sale-new').click();
await page.locator('[data-step="draft"][data-stage="cart"]').waitFor();
const started = performance.now();
for (const [reference, name, price] of [
  ['8412345678901', 'Sofá 3 plazas', '499,00'],
  ['8412345678902', 'Cojín', '19,95'],
]) {
  await type(reference!);
  await press('Enter');
  await type(name!);
  await press('Enter');
  await type(price!);
  await press('Enter');
}
await press('Enter'); // empty line form → "Continue"
await press('Enter'); // Continue
await page.locator('[data-step="draft"][data-stage="shopper"]').waitFor();
await read();
for (const value of ['María José', 'García', 'López', '23232323T', '17/05/1990', '612345678', 'maria@example.com']) {
  await type(value);
  await press('Enter');
}
await step('choose_product');
await page.getByTestId('product-send-sms').waitFor();
await read();
await press('Enter'); // the first available product is selected: send the SMS
await step('awaiting_approval');
const uuid = await page.evaluate(() => document.querySelector('[data-testid="training-phone-link"] a')?.textContent);
const result = await till.core.dispatch('sale.current', {}, true);
const saleUuid = result.ok
  ? (result.data as { sale: { solicitation: { uuid: string } } }).sale.solicitation.uuid
  : uuid;
await shopper(sandbox, saleUuid!, 'approve');
await read();
await press('Tab'); // focus starts on the heading; the first Tab reaches "confirm"
await press('Enter');
await step('done');
await read();
await page.evaluate(() => (window.print = () => undefined));
await press('Enter'); // Print
const seconds = (performance.now() - started) / 1000;
console.log(`keyboard-only sale: ${keys} keystrokes, ${seconds.toFixed(1)} s (incl. 4 × 0.8 s reading pauses)`);
await browser.close();
await till.stop();
await sandbox.close();
removeDir(dataDir);
