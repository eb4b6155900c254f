import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { isChannel, isEventName } from '../../shared/ipc/channels.ts';
import { buildPosApi, type Invoke, type Subscribe } from '../../shared/ipc/pos-api.ts';
import type { IpcResult } from '../../shared/ipc/result.ts';

// The sandboxed preload: bundled to one small CommonJS file (sandboxed preloads cannot load ESM or any
// module but `electron`), and the only bridge between the page and main. The page gets `window.pos` with
// one named method per channel; it never sees ipcRenderer, an IPC event object, or a generic invoke.
// Imports from shared/ must stay type-only where a module pulls zod (result.ts, contract.ts): the bundle
// test fails if zod reaches this file.
function failure(code: 'unknown_channel' | 'internal', message: string, retryable: boolean): IpcResult<never> {
  return { ok: false, error: { code, message, retryable } };
}

const invoke: Invoke = async (channel, request) => {
  // buildPosApi only ever passes contract channels; this makes that true even if it changes.
  if (!isChannel(channel)) return failure('unknown_channel', 'Unknown request.', false);
  try {
    return (await ipcRenderer.invoke(channel, request)) as IpcResult<unknown>;
  } catch {
    // Main's dispatcher never throws, so this is the transport itself (e.g. main not ready yet):
    // the page still gets a result, never an exception.
    return failure('internal', 'The till did not answer.', true);
  }
};

const subscribe: Subscribe = (event, listener) => {
  if (!isEventName(event)) return () => undefined;
  // Only the payload crosses: the IpcRendererEvent would hand the page `sender` (ipcRenderer itself).
  const forward = (_event: IpcRendererEvent, payload: unknown) => listener(payload);
  ipcRenderer.on(event, forward);
  return () => {
    ipcRenderer.removeListener(event, forward);
  };
};

contextBridge.exposeInMainWorld('pos', buildPosApi(invoke, subscribe));
