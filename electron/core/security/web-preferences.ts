import type { WebPreferences } from 'electron';

// The one set of webPreferences the till window gets (Electron's security checklist). A pure function,
// pinned by tests/unit/security.test.ts, so turning any of these off is a visible, deliberate change.
export function secureWebPreferences(options: { preloadPath: string; allowDevTools: boolean }): WebPreferences {
  return {
    preload: options.preloadPath,
    // The renderer runs in Chromium's OS-level sandbox, with its JavaScript world separated from the
    // preload's: the page sees only what contextBridge hands it (window.pos), never ipcRenderer or Node.
    sandbox: true,
    contextIsolation: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    experimentalFeatures: false,
    // No <webview>: it would be a second, unhardened browser inside the till.
    webviewTag: false,
    // A file dropped on the window would otherwise navigate away from the app.
    navigateOnDragDrop: false,
    // Cashiers type names and addresses; the OS spellchecker would send words to a dictionary service.
    spellcheck: false,
    // Devtools give full control of the page, so only unpackaged (developer) builds get them.
    devTools: options.allowDevTools,
  };
}
