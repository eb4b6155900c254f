import { hostname, machine, release, type as osType, version as osVersion } from 'node:os';
import { join } from 'node:path';
import { app, dialog, Menu, net, session, type BrowserWindow } from 'electron';
import { quitWarning } from '../../shared/i18n/quit-warning.ts';
import { createCore, type Core } from '../core/app-core.ts';
import { defaultMachineConfigPath, loadMachineConfig } from '../core/config/machine-config.ts';
import { createFileLogger, type Logger } from '../core/log/logger.ts';
import { installProcessGuard } from '../core/process-guard.ts';
import { devServerUrlFrom } from '../core/security/dev-server.ts';
import { APP_START_URL, registerAppScheme, serveRendererOverAppProtocol } from './app-protocol.ts';
import { watchOsConnectivitySignals } from './connectivity-signals.ts';
import { createElectronStore } from './electron-store-factory.ts';
import { denyAllPermissions, hardenAllWebContents } from './hardening.ts';
import { forwardCoreEvents, registerIpcHandlers } from './ipc.ts';
import { createSafeStorageSecretStore } from './safe-storage-secrets.ts';
import { receiptPrinter } from './receipt-printer.ts';
import { bringToFront, createMainWindow } from './window.ts';

// Composition root of the Electron app: the only place that wires Electron capabilities (net.fetch,
// safeStorage, electron-store, paths) into the plain-Node core. Everything with logic lives in
// electron/core and is tested under Node; this file only decides order.
const APP_USER_MODEL_ID = 'com.sequra-pos.till';
/** How long quitting waits for the core to stop cleanly (flush stores, close the training sandbox). */
const STOP_TIMEOUT_MS = 5_000;

function main(): void {
  // One running till per user session: two would be two writers of the same journal and outbox.
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return;
  }
  // All of this must happen before `ready`: sandbox for every renderer, the app:// scheme's privileges,
  // and the navigation/pop-up rules for every web contents ever created.
  app.enableSandbox();
  registerAppScheme();
  hardenAllWebContents(() => core?.trainingSandbox?.baseUrl ?? null);
  // Windows groups taskbar entries and notifications by this id; it must match electron-builder's appId.
  if (process.platform === 'win32') app.setAppUserModelId(APP_USER_MODEL_ID);

  let win: BrowserWindow | null = null;
  let core: Core | null = null;

  app.on('second-instance', () => bringToFront(win));
  // A till has one window; closing it ends the app on every platform (no macOS dock-only state).
  app.on('window-all-closed', () => app.quit());
  app.on('before-quit', (event) => {
    if (!core) return;
    // Instructions still waiting for SeQura are safe on disk, but the cashier should know they will only
    // go when the app runs again.
    const pending = core.pendingWork();
    const waiting = pending.open + pending.queuedSales;
    if (waiting > 0 && !confirmQuitWithPending(core, waiting, pending.oldestOpenAt, win)) {
      event.preventDefault();
      return;
    }
    // Electron does not wait for promises here: hold this quit, stop the core, then quit again (by then
    // `core` is null and the second before-quit passes straight through).
    event.preventDefault();
    const stopping = core;
    core = null;
    void withTimeout(stopping.stop(), STOP_TIMEOUT_MS).finally(() => app.quit());
  });

  void app.whenReady().then(async () => {
    let log: Logger | null = null;
    try {
      log = createFileLogger(join(app.getPath('logs'), 'sequra-pos.log'));
      // A stray rejection is logged and the till keeps serving; an uncaught exception stops it with a
      // message (the journal resumes every sale at the next start).
      const guardLog = log;
      installProcessGuard({ log: guardLog, onFatal: (error) => stopAfterFatalError(error, guardLog) });
      const started = await start(log, () => win);
      core = started.core;
      win = started.win;
    } catch (error) {
      failToStart(error, log);
    }
  });
}

async function start(log: Logger, getWindow: () => BrowserWindow | null): Promise<{ core: Core; win: BrowserWindow }> {
  const devServerUrl = devServerUrlFrom(process.env, app.isPackaged);
  const appPath = app.getAppPath();

  // Packaged tills get no menu: no View → Reload, no devtools shortcut, nothing a cashier can stumble on.
  if (app.isPackaged) Menu.setApplicationMenu(null);
  denyAllPermissions();
  serveRendererOverAppProtocol(join(appPath, 'dist', 'renderer'));

  const userData = app.getPath('userData');
  const core = await createCore({
    dataDir: userData,
    appVersion: app.getVersion(),
    // Electron's fetch follows the system proxy/PAC and the OS certificate store that store IT manages.
    fetch: ((input, init) => net.fetch(input as never, init as never)) as typeof fetch,
    createStore: createElectronStore,
    secrets: createSafeStorageSecretStore(userData, log),
    log,
    machineConfig: loadMachineConfig(defaultMachineConfigPath(process.platform, process.env)),
    platformUname: [osType(), hostname(), release(), osVersion(), machine()].join(' '),
    // Diagnostics show which proxy applies to SeQura's URL, as Chromium resolves it (PAC included).
    resolveProxy: (url) => session.defaultSession.resolveProxy(url),
    // Slips print silently on the configured receipt printer (machine configuration `receiptPrinter`).
    printReceipt: receiptPrinter(getWindow),
  });

  // Handlers exist before the page loads, so its first call never meets "no handler registered".
  registerIpcHandlers(core, devServerUrl);
  forwardCoreEvents(core, getWindow);
  watchOsConnectivitySignals(() => core.nudgeConnectivity(), log);
  await core.start();

  const win = createMainWindow({
    preloadPath: join(appPath, 'dist', 'electron', 'preload.cjs'),
    startUrl: devServerUrl ?? APP_START_URL,
    allowDevTools: !app.isPackaged,
    log,
  });
  log.info('app.started', {
    version: app.getVersion(),
    packaged: app.isPackaged,
    devServer: devServerUrl !== undefined,
  });
  return { core, win };
}

function failToStart(error: unknown, log: Logger | null): void {
  // A till that cannot start must say why on screen (store IT reads it over the phone), not vanish.
  // Name and message only, no stack; the logger redacts personal data patterns on its side.
  const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  log?.error('app.start_failed', { error: message });
  dialog.showErrorBox('SeQura POS could not start', `${message}\n\nThe log is in ${safeLogsPath()}.`);
  app.exit(1);
}

function stopAfterFatalError(error: unknown, log: Logger): void {
  const name = error instanceof Error ? error.name : 'unknown';
  log.error('app.stopped_after_error', { error: name });
  dialog.showErrorBox('SeQura POS stopped', `${name}\n\nThe log is in ${safeLogsPath()}. Start the app again.`);
  app.exit(1);
}

function safeLogsPath(): string {
  try {
    return app.getPath('logs');
  } catch {
    return 'the app data folder';
  }
}

function withTimeout(promise: Promise<unknown>, ms: number): Promise<unknown> {
  return Promise.race([promise.catch(() => undefined), new Promise((resolve) => setTimeout(resolve, ms))]);
}

main();

function confirmQuitWithPending(
  core: Core,
  count: number,
  oldestAt: string | null,
  win: BrowserWindow | null,
): boolean {
  const text = quitWarning(core.languageForNativeDialogs(), count, oldestAt);
  const options = {
    type: 'warning' as const,
    title: text.title,
    message: text.message,
    detail: text.detail,
    buttons: [text.stay, text.quit],
    defaultId: 0,
    cancelId: 0,
  };
  const choice = win ? dialog.showMessageBoxSync(win, options) : dialog.showMessageBoxSync(options);
  return choice === 1;
}
