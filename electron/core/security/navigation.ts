import { isTrainingPhoneUrl } from './external-links.ts';

// The navigation rules every web contents the app creates gets (Electron's security checklist, items
// 12–14), as a function of a structural web contents so it is tested under Node; electron/main/hardening.ts
// applies it on `web-contents-created`. The app is one page: nothing it shows may take the window elsewhere,
// whether a link, a drop, a script, a frame or a server-side redirect of any of those. Programmatic loadURL
// from main does not fire these events.
export const BLOCKED_NAVIGATION_EVENTS = [
  'will-navigate',
  // A redirect answer (30x) to a navigation that was allowed to start: guarded like the navigation itself,
  // so an allowed origin that redirects cannot carry the window to another one.
  'will-redirect',
  // Frames (the CSP already forbids them; this holds even if it is ever loosened).
  'will-frame-navigate',
  'will-attach-webview',
] as const;

interface PreventableEvent {
  preventDefault(): void;
}

export interface GuardableContents {
  on(event: (typeof BLOCKED_NAVIGATION_EVENTS)[number], listener: (event: PreventableEvent) => void): unknown;
  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'deny' }): void;
}

export function guardNavigation(
  contents: GuardableContents,
  options: { trainingSandboxBaseUrl: () => string | null; openExternal: (url: string) => void },
): void {
  for (const name of BLOCKED_NAVIGATION_EVENTS) contents.on(name, (event) => event.preventDefault());
  // No in-app windows. The training phone link (loopback sandbox) opens in the system browser instead.
  contents.setWindowOpenHandler(({ url }) => {
    if (isTrainingPhoneUrl(url, options.trainingSandboxBaseUrl())) options.openExternal(url);
    return { action: 'deny' };
  });
}
