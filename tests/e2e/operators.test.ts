import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright';
import type { RunningSandbox } from '../../sandbox/index.ts';
import { createMemorySecretStore } from '../../electron/core/secrets/secret-store.ts';
import { call, tillConfigFor } from '../support/till.ts';
import {
  launchBrowser,
  makeDataDir,
  removeDir,
  screenshot,
  startStandaloneSandbox,
  startTill,
  type RunningTill,
} from './harness.ts';

// The till as a cashier, a manager and store IT meet it, in Debian's Chromium through the preview host:
// PIN sign-in, the wrong-PIN lockout, settings behind a manager PIN, the lock screen that keeps the sale,
// going live from the settings, and the screen a broken configuration file opens.
let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

async function openPage(till: RunningTill): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 860 } });
  await page.goto(till.url);
  return page;
}

async function signIn(page: Page, operator: string, pin: string): Promise<void> {
  await page.getByLabel('Operador').fill(operator);
  await page.getByLabel('PIN', { exact: true }).fill(pin);
  await page.getByLabel('PIN', { exact: true }).press('Enter');
}

describe('fresh install: PIN sign-in, lockout, settings behind the manager PIN', () => {
  let till: RunningTill;
  let page: Page;
  const dataDir = makeDataDir();

  beforeAll(async () => {
    till = await startTill({ dataDir, signIn: false });
    page = await openPage(till);
  });
  afterAll(async () => {
    await page?.close();
    await till?.stop();
    removeDir(dataDir);
  });

  it('opens on the sign-in screen with the training operators and the first-run manager offer', async () => {
    await expect.poll(() => page.getByRole('heading', { name: 'Identifícate para vender' }).count()).toBe(1);
    expect(await page.getByTestId('training-banner').innerText()).toContain('MODO FORMACIÓN');
    expect(await page.getByTestId('signin-training-hint').innerText()).toContain('cajero 0001 con PIN 1111');
    expect(await page.getByTestId('signin-first-run').count()).toBe(1);
    // Keyboard first: the operator field has the focus.
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('signin-operator');
    // Nothing of the sale screens is reachable while nobody is signed in.
    expect(await page.getByTestId('session-bar').count()).toBe(0);
    await screenshot(page, 'signin-training-es');
  });

  it('a wrong PIN says so, and five in a row lock that operator out for a while', async () => {
    await signIn(page, '0001', '2468');
    await expect.poll(() => page.getByTestId('signin-error').innerText()).toBe('Operador o PIN incorrecto.');
    // Spanish plural: "Te quedan 2 intentos", but "Te queda 1 intento".
    for (const left of ['Te quedan 3 intentos', 'Te quedan 2 intentos', 'Te queda 1 intento antes']) {
      await page.getByLabel('PIN', { exact: true }).fill('2468');
      await page.getByLabel('PIN', { exact: true }).press('Enter');
      await expect.poll(() => page.getByTestId('signin-error').innerText()).toContain(left);
    }
    await page.getByLabel('PIN', { exact: true }).fill('2468');
    await page.getByLabel('PIN', { exact: true }).press('Enter');
    await expect
      .poll(() => page.getByTestId('signin-error').innerText())
      .toMatch(/^Demasiados PIN incorrectos\. Vuelve a intentarlo a partir de las \d{2}:\d{2}:\d{2}\.$/);
    // Even the right PIN is refused while the lockout lasts.
    await page.getByLabel('PIN', { exact: true }).fill('1111');
    await page.getByLabel('PIN', { exact: true }).press('Enter');
    await expect.poll(() => page.getByTestId('signin-error').innerText()).toContain('Demasiados PIN incorrectos');
    await screenshot(page, 'signin-lockout-es');
  });

  it('another operator signs in; the settings ask for a manager PIN first', async () => {
    await signIn(page, '0009', '9999');
    await expect.poll(() => page.getByTestId('session-who').count()).toBe(1);
    expect(await page.getByTestId('session-who').innerText()).toContain('(0009) · encargado');
    await page.getByTestId('session-settings').click();
    await expect.poll(() => page.getByRole('heading', { name: 'Ajustes del terminal' }).count()).toBe(1);
    // Not open yet: only the PIN prompt.
    expect(await page.getByTestId('admin-config').count()).toBe(0);
    await page.getByTestId('admin-elevate-pin').fill('1111');
    await page.getByTestId('admin-elevate-pin').press('Enter');
    await expect.poll(() => page.getByTestId('admin-elevate-error').innerText()).toContain('Operador o PIN incorrecto');
    await page.getByTestId('admin-elevate-pin').fill('9999');
    await page.getByTestId('admin-elevate-pin').press('Enter');
    await expect.poll(() => page.getByTestId('admin-config').count()).toBe(1);
    expect(await page.getByTestId('admin-mode').innerText()).toBe('FORMACIÓN');
    expect(await page.getByTestId('admin-credentials-state').innerText()).toBe('Sin credenciales');
    // The training manager may look, not manage operators.
    expect(await page.getByTestId('admin-operators').innerText()).toContain('Solo un encargado real');
    await page.getByTestId('admin-export-diagnostics').click();
    await expect
      .poll(() => page.getByTestId('admin-export-diagnostics-path').innerText())
      .toMatch(/diagnostics-\d{8}T\d{6}Z\.json$/);
    await screenshot(page, 'admin-training-es');
    // Closing the settings closes them in the core too: opening again asks for the PIN again.
    await page.getByTestId('admin-close').click();
    await page.getByTestId('session-settings').click();
    await expect.poll(() => page.getByTestId('admin-elevate').count()).toBe(1);
    await page.getByTestId('admin-close').click();
  });

  it('locking keeps the sale in progress; the same PIN unlocks it', async () => {
    await page.getByTestId('nav-sale').click();
    const before = await call<{ sale: { id: string } | null }>(till.core, 'sale.current');
    await page.getByTestId('session-lock').click();
    await expect.poll(() => page.getByRole('heading', { name: 'Terminal bloqueado' }).count()).toBe(1);
    expect(await page.getByTestId('signin-locked-by').innerText()).toContain('(0009)');
    await screenshot(page, 'lock-screen-es');
    await page.getByLabel('PIN', { exact: true }).fill('9999');
    await page.getByLabel('PIN', { exact: true }).press('Enter');
    await expect.poll(() => page.getByTestId('session-bar').count()).toBe(1);
    expect((await call<{ sale: { id: string } | null }>(till.core, 'sale.current')).sale?.id ?? null).toBe(
      before.sale?.id ?? null,
    );
  });

  it('first run: the store manager is created from the sign-in screen', async () => {
    await page.getByTestId('session-sign-out').click();
    await page.getByTestId('signin-first-run').click();
    await page.getByTestId('bootstrap-id').fill('M1');
    await page.getByTestId('bootstrap-name').fill('Ana');
    await page.getByTestId('bootstrap-pin').fill('482915');
    await page.getByTestId('bootstrap-pin-again').fill('482915');
    await screenshot(page, 'first-run-manager-es');
    await page.getByTestId('bootstrap-submit').click();
    await expect.poll(() => page.getByTestId('signin-notice').innerText()).toContain('Encargado M1 creado');
    expect(await page.getByTestId('signin-first-run').count()).toBe(0);
  });
});

describe('going live from the settings', () => {
  let sandbox: RunningSandbox;
  let till: RunningTill;
  let page: Page;
  const dataDir = makeDataDir();
  const secrets = createMemorySecretStore();

  beforeAll(async () => {
    sandbox = await startStandaloneSandbox();
    // Store IT deployed the configuration file; no credentials yet: training until a manager goes live.
    till = await startTill({ dataDir, config: tillConfigFor(sandbox), secrets, signIn: false });
    await call(till.core, 'operators.bootstrapManager', { id: 'M1', displayName: 'Ana', pin: '482915' });
    page = await openPage(till);
  });
  afterAll(async () => {
    await page?.close();
    await till?.stop();
    await sandbox?.close();
    removeDir(dataDir);
  });

  it('tests the credentials, shows the merchants, and goes live with the manager PIN', async () => {
    await signIn(page, 'M1', '482915');
    await page.getByTestId('session-settings').click();
    await page.getByTestId('admin-elevate-pin').fill('482915');
    await page.getByTestId('admin-elevate-pin').press('Enter');
    await expect.poll(() => page.getByTestId('admin-config-values').innerText()).toContain('TIENDA-01');
    expect(await page.getByTestId('admin-operators-table').innerText()).toContain('M1');

    await page.getByTestId('admin-username').fill(sandbox.config.username);
    await page.getByTestId('admin-password').fill('not-the-password');
    await page.getByTestId('admin-test').click();
    await expect
      .poll(() => page.getByTestId('admin-test-result').innerText())
      .toContain('SeQura no acepta ese usuario o contraseña');
    expect(await page.getByTestId('admin-go-live').count()).toBe(0);

    await page.getByTestId('admin-password').fill(sandbox.config.password);
    await page.getByTestId('admin-test').click();
    await expect.poll(() => page.getByTestId('admin-test-result').innerText()).toContain('Conexión correcta');
    expect(await page.getByTestId('admin-merchants').innerText()).toContain('pos_demo_es');
    await screenshot(page, 'admin-connection-test-es');

    await page.getByTestId('admin-go-live-pin').fill('482915');
    await page.getByTestId('admin-go-live-pin').press('Enter');
    await expect.poll(() => page.getByTestId('training-banner').count(), { timeout: 15_000 }).toBe(0);
    await expect.poll(() => page.getByTestId('admin-mode').innerText()).toBe('Real');
    expect(await page.getByTestId('admin-credentials-state').innerText()).toBe(
      'Guardadas de forma cifrada en este equipo',
    );
    expect(await secrets.getCredentials()).toEqual({
      username: sandbox.config.username,
      password: sandbox.config.password,
    });
    // The password never comes back to the page.
    expect(await page.content()).not.toContain(sandbox.config.password);
    await screenshot(page, 'admin-live-es');
  });
});

describe('a broken configuration file', () => {
  let till: RunningTill;
  let page: Page;
  const dataDir = makeDataDir();

  beforeAll(async () => {
    till = await startTill({
      dataDir,
      signIn: false,
      configText: JSON.stringify({
        sequra: { environment: 'production', merchantId: 'pos_demo_es' },
        storeRef: 'BCN-01',
        tillId: 'caja 3',
        requireNinControl: 'si',
      }),
    });
    page = await openPage(till);
  });
  afterAll(async () => {
    await page?.close();
    await till?.stop();
    removeDir(dataDir);
  });

  it('opens a screen naming each bad key and what is wrong; a fixed file is picked up with "Check again"', async () => {
    await expect
      .poll(() => page.getByRole('heading', { name: 'El archivo de configuración tiene errores' }).count())
      .toBe(1);
    expect(await page.getByTestId('config-problem-path').innerText()).toBe(join(dataDir, 'machine-config.json'));
    const rows = await page.getByTestId('config-problem-row').allInnerTexts();
    expect(rows.map((r) => r.replace(/\s+/g, ' ').trim())).toEqual([
      'sequra.environment must be one of "sandbox", "live", "custom"',
      'tillId letters, digits, "-" or "_", at most 16',
      'requireNinControl must be a boolean, not string',
    ]);
    // Nothing else of the till is on screen: no sign-in, no sale.
    expect(await page.getByTestId('signin-screen').count()).toBe(0);
    // Nor a navigation to screens that cannot open until the file is fixed.
    for (const target of ['sale', 'pending', 'history', 'report', 'status'])
      expect(await page.getByTestId(`nav-${target}`).isVisible(), target).toBe(false);
    await screenshot(page, 'config-problem-es');

    // Support's bundle needs a manager: with nobody signed in, a manager's PIN (a cashier's is refused).
    await page.getByTestId('config-problem-diagnostics-pin').fill('1111');
    await page.getByTestId('config-problem-diagnostics-submit').click();
    await expect.poll(() => page.getByTestId('config-problem-diagnostics-error').count()).toBe(1);
    await page.getByTestId('config-problem-diagnostics-pin').fill('9999');
    await page.getByTestId('config-problem-diagnostics-submit').click();
    await expect.poll(() => page.getByRole('status').filter({ hasText: 'diagnostics-' }).count()).toBe(1);

    writeFileSync(
      join(dataDir, 'machine-config.json'),
      JSON.stringify({
        sequra: { environment: 'sandbox', merchantId: 'pos_demo_es' },
        storeRef: 'BCN-01',
        tillId: 'caja-3',
        requireNinControl: true,
      }),
    );
    await page.getByTestId('config-problem-recheck').click();
    await expect.poll(() => page.getByTestId('signin-screen').count(), { timeout: 15_000 }).toBe(1);
    expect(await page.getByTestId('config-problem-screen').count()).toBe(0);
    expect(await page.locator('.topbar-where').innerText()).toContain('BCN-01');
    expect(await page.getByTestId('nav-sale').isVisible()).toBe(true);
  });
});
