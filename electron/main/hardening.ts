import { app, session, shell } from 'electron';
import { guardNavigation } from '../core/security/navigation.ts';

// Rules that apply to every web contents the app ever creates (the till window, devtools, anything a
// future change adds), so no new window can forget them: navigation, redirects, frames, webviews and
// pop-ups (core/security/navigation.ts).
export function hardenAllWebContents(trainingSandboxBaseUrl: () => string | null): void {
  app.on('web-contents-created', (_event, contents) => {
    guardNavigation(contents, { trainingSandboxBaseUrl, openExternal: (url) => void shell.openExternal(url) });
  });
}

/** A till needs no camera, microphone, geolocation, notifications, USB, HID or serial from web content. */
export function denyAllPermissions(): void {
  const ses = session.defaultSession;
  ses.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  ses.setPermissionCheckHandler(() => false);
  ses.setDevicePermissionHandler(() => false);
}
