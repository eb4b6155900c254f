import type { Page } from 'playwright';
import type { RunningSandbox } from '../../sandbox/index.ts';
import { TRAINING_MANAGER } from '../support/till.ts';
import { addLine, fillShopper, openSale } from './cashier-ui.ts';
import type { RunningTill } from './harness.ts';

// Every screen and dialog of the till, and the virtual phone's pages, walked once in training mode: a whole
// practice sale, the shopper's phone, the after-sale screens and the settings. At each stop `visit(name,
// page)` runs (axe, the pseudo-locale check…). The walk drives the UI in Spanish; the visitor may switch the
// till's language at a stop and must switch it back to Spanish.

export type Visit = (name: string, page: Page) => Promise<void>;

async function step(page: Page, name: string): Promise<void> {
  await page.locator(`[data-testid="sale-step"][data-step="${name}"]`).waitFor();
}

async function dialog(page: Page, open: string, visitName: string, visit: Visit): Promise<void> {
  await page.getByTestId(open).click();
  await page.locator('dialog[open], [role="dialog"], [role="alertdialog"]').first().waitFor();
  await visit(visitName, page);
  await page.keyboard.press('Escape');
  await page.locator('dialog[open], [role="dialog"], [role="alertdialog"]').first().waitFor({ state: 'detached' });
}

export async function walkEveryScreen(options: {
  till: RunningTill;
  page: Page;
  url: string;
  visit: Visit;
}): Promise<void> {
  const { till, page, url, visit } = options;
  const sandbox = till.core.trainingSandbox as RunningSandbox;

  // The sale, step by step.
  await page.goto(url);
  await page.getByTestId('sale-step').waitFor();
  await visit('no-sale', page);
  await openSale(page, url);
  await visit('cart-empty', page);
  await addLine(page, { reference: 'LAMP-1', name: 'Lámpara', price: '89,90' });
  await visit('cart', page);
  await dialog(page, 'sale-cancel', 'cancel-dialog', visit);
  await fillShopper(page);
  await visit('shopper', page);
  await page.getByTestId('shopper-start').click();
  await step(page, 'choose_product');
  await visit('choose-product', page);
  await page.locator('[data-testid="product-option"][data-product="i1"]').click();
  await page.getByTestId('product-send-sms').click();
  await step(page, 'awaiting_approval');
  await visit('awaiting-approval', page);

  // The shopper's phone, page by page.
  const answer = await till.core.dispatch('sale.current', {}, true);
  const uuid = answer.ok ? (answer.data as { sale: { solicitation: { uuid: string } } }).sale.solicitation.uuid : '';
  const phone = await page.context().newPage();
  await phone.setViewportSize({ width: 400, height: 800 });
  await phone.goto(`${sandbox.baseUrl}/phone`);
  await visit('phone-list', phone);
  await phone.goto(sandbox.phoneUrl(uuid));
  await visit('phone-sms', phone);
  await phone
    .getByRole('link', { name: 'Abrir el enlace' })
    .or(phone.getByRole('button', { name: 'Abrir el enlace' }))
    .first()
    .click();
  await phone.locator('#otp').waitFor();
  await visit('phone-otp', phone);
  await phone.locator('#otp').fill('45678');
  await phone.getByRole('button', { name: 'Continuar' }).click();
  await phone.getByRole('button', { name: 'Aprobar', exact: true }).waitFor();
  await visit('phone-decision', phone);
  await phone.getByRole('button', { name: 'Aprobar', exact: true }).click();
  await phone
    .getByText(/pendiente de confirmaci[oó]n/i)
    .first()
    .waitFor();
  await visit('phone-approved', phone);
  await phone.goto(sandbox.phoneUrl('no-such-order'));
  await visit('phone-not-found', phone);
  await phone.close();

  await page.getByTestId('approval-confirm').click();
  await step(page, 'done');
  await visit('done-slip', page);

  // The other screens.
  await page.getByTestId('nav-pending').click();
  await visit('pending', page);
  await page.getByTestId('nav-history').click();
  await page.getByTestId('history-row').first().waitFor();
  await visit('history', page);
  await page.getByTestId('history-open').first().click();
  await page.getByTestId('sale-detail').waitFor();
  await visit('sale-detail', page);
  await dialog(page, 'detail-return', 'return-dialog', visit);
  await dialog(page, 'detail-cancel', 'cancel-after-dialog', visit);
  await page.getByTestId('detail-reprint').click();
  await page.getByTestId('copy-slip').waitFor();
  await visit('copy-slip', page);
  await page.getByTestId('nav-report').click();
  await page.getByTestId('report-screen').waitFor();
  await visit('report', page);
  await page.getByTestId('nav-status').click();
  await visit('status', page);

  // Settings, behind a manager's PIN.
  await page.getByTestId('session-settings').click();
  await page.getByTestId('admin-elevate-pin').waitFor();
  await visit('settings-pin', page);
  await page.getByTestId('admin-elevate-pin').fill(TRAINING_MANAGER.pin);
  await page.getByTestId('admin-elevate-pin').press('Enter');
  await page.getByTestId('admin-screen').waitFor();
  await visit('settings', page);
  await page.getByTestId('admin-close').click();

  // Signed out: the sign-in screen.
  await page.getByTestId('session-sign-out').click();
  await page.getByTestId('signin-screen').waitFor();
  await visit('sign-in', page);
}
