import { app, session, shell } from 'electron';
import { isTrainingPhoneUrl } from '../core/security/external-links.ts';

// Rules that apply to every web contents the app ever creates (the till window, devtools, anything a
// future change adds), so no new window can forget them. Electron's security checklist, items 12–14.
export function hardenAllWebContents(trainingSandboxBaseUrl: () => string | null): void {
  app.on('web-contents-created', (_event, contents) => {
    // The app is one page; nothing it shows may take the window elsewhere (a link, a drop, a script).
    // Programmatic loadURL from main does not fire these events.
    contents.on('will-navigate', (event) => event.preventDefault());
    // The same for frames (the CSP already forbids them; this holds even if it is ever loosened).
    contents.on('will-frame-navigate', (event) => event.preventDefault());
    contents.on('will-attach-webview', (event) => event.preventDefault());
    // No in-app windows. The training phone link (loopback sandbox) opens in the system browser instead.
    contents.setWindowOpenHandler(({ url }) => {
      if (isTrainingPhoneUrl(url, trainingSandboxBaseUrl())) void shell.openExternal(url);
      return { action: 'deny' };
    });
  });
}

/** A till needs no camera, microphone, geolocation, notifications, USB, HID or serial from web content. */
export function denyAllPermissions(): void {
  const ses = session.defaultSession;
  ses.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  ses.setPermissionCheckHandler(() => false);
  ses.setDevicePermissionHandler(() => false);
}
