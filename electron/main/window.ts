import { BrowserWindow } from 'electron';
import type { Logger } from '../core/log/logger.ts';
import { secureWebPreferences } from '../core/security/web-preferences.ts';

// The till window. Navigation, pop-ups, webviews and permissions are handled for every web contents in
// hardening.ts; this file decides size, what to load and what to do when the renderer dies.
export interface MainWindowOptions {
  preloadPath: string;
  startUrl: string;
  allowDevTools: boolean;
  log: Logger;
}

const MAX_RENDERER_RESTARTS = 3;

export function createMainWindow(options: MainWindowOptions): BrowserWindow {
  const win = new BrowserWindow({
    width: 1280,
    height: 800,
    minWidth: 1024,
    minHeight: 680,
    show: false,
    backgroundColor: '#ffffff',
    title: 'SeQura POS',
    webPreferences: secureWebPreferences({ preloadPath: options.preloadPath, allowDevTools: options.allowDevTools }),
  });
  // Shown once painted, so the cashier never sees a blank white frame on start-up.
  win.once('ready-to-show', () => win.show());

  // The sale lives in main, so a crashed page can be reloaded without losing anything; a page that keeps
  // crashing is left alone (and logged) instead of looping.
  let restarts = 0;
  win.webContents.on('render-process-gone', (_event, details) => {
    options.log.error('renderer.gone', { reason: details.reason, exitCode: details.exitCode });
    if (details.reason !== 'clean-exit' && restarts < MAX_RENDERER_RESTARTS && !win.isDestroyed()) {
      restarts += 1;
      void win.loadURL(options.startUrl);
    }
  });
  win.webContents.on('did-fail-load', (_event, errorCode, errorDescription, validatedUrl, isMainFrame) => {
    if (isMainFrame) options.log.error('renderer.load_failed', { errorCode, errorDescription, url: validatedUrl });
  });

  void win.loadURL(options.startUrl).catch((error: unknown) => {
    options.log.error('renderer.load_failed', { error: error instanceof Error ? error.name : 'unknown' });
  });
  return win;
}

/** A second launch (double-click on the icon) brings the running till to the front instead. */
export function bringToFront(win: BrowserWindow | null): void {
  if (!win || win.isDestroyed()) return;
  if (win.isMinimized()) win.restore();
  win.show();
  win.focus();
}
