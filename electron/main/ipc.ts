import { ipcMain, type BrowserWindow } from 'electron';
import { CHANNELS } from '../../shared/ipc/channels.ts';
import type { Core } from '../core/app-core.ts';
import { isTrustedSenderUrl } from '../core/ipc/sender.ts';

// IPC is a thin pipe to the core's dispatcher, which checks the sender verdict, validates the request and
// the response, and never throws. One handler per named channel: no generic invoke to abuse.
export function registerIpcHandlers(core: Core, devServerOrigin: string | undefined): () => void {
  for (const channel of CHANNELS) {
    // senderFrame is the frame that sent the message (null once it navigated away or was destroyed);
    // its URL, not the window's, is what tells us whether our own page is asking.
    ipcMain.handle(channel, (event, request: unknown) =>
      core.dispatch(channel, request, isTrustedSenderUrl(event.senderFrame?.url, devServerOrigin)),
    );
  }
  return () => {
    for (const channel of CHANNELS) ipcMain.removeHandler(channel);
  };
}

/** Core events go to the till window as the core publishes them (already filtered through their schema). */
export function forwardCoreEvents(core: Core, getWindow: () => BrowserWindow | null): () => void {
  return core.onEvent((event, payload) => {
    const win = getWindow();
    if (win && !win.isDestroyed()) win.webContents.send(event, payload);
  });
}
