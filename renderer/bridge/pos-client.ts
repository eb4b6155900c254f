import { isEventName, type Channel, type EventName } from '../../shared/ipc/channels.ts';
import { buildPosApi, type PosApi } from '../../shared/ipc/pos-api.ts';
import type { IpcResult } from '../../shared/ipc/result.ts';

// The renderer talks to main through `window.pos`. In Electron the preload provides it; in the browser
// preview host the same API is carried over a loopback WebSocket that requires the per-run token from
// the page's URL fragment. The renderer code above this file cannot tell the two apart.
declare global {
  interface Window {
    pos?: PosApi;
  }
}

/** `no_token`: a preview page opened without the `#token=…` part of its address; it can never connect. */
export type BridgeState = 'connecting' | 'open' | 'lost' | 'refused' | 'no_token';

export function connectPos(onBridgeState: (state: BridgeState) => void): PosApi {
  if (window.pos) {
    onBridgeState('open');
    return window.pos;
  }
  return connectPreviewBridge(onBridgeState);
}

function connectPreviewBridge(onBridgeState: (state: BridgeState) => void): PosApi {
  const token = new URLSearchParams(window.location.hash.slice(1)).get('token') ?? '';
  if (token === '') {
    // Knocking without a token would only be refused: say at once what is missing instead.
    queueMicrotask(() => onBridgeState('no_token'));
    const never = () => new Promise<IpcResult<unknown>>(() => undefined);
    return buildPosApi(never, () => () => undefined);
  }
  const listeners = new Map<EventName, Set<(payload: unknown) => void>>();
  const waiting = new Map<number, (result: IpcResult<unknown>) => void>();
  let nextId = 1;
  let socket: WebSocket | null = null;
  // Requests made while the bridge is down wait here and go out when it reconnects (the host may be
  // restarting; the sale resumes where it was). Requests already sent when it drops are answered with a
  // retryable error, since we cannot know whether main ran them.
  const queued: Array<{ text: string }> = [];
  let connecting = false;
  let retryMs = 250;

  function open(): void {
    if (connecting || socket) return;
    connecting = true;
    onBridgeState('connecting');
    const ws = new WebSocket(`ws://${window.location.host}/bridge?token=${encodeURIComponent(token)}`);
    let wasOpen = false;
    ws.onopen = () => {
      wasOpen = true;
      connecting = false;
      socket = ws;
      retryMs = 250;
      onBridgeState('open');
      for (const item of queued.splice(0)) ws.send(item.text);
    };
    ws.onmessage = (message) => handleMessage(String(message.data));
    ws.onclose = (event) => {
      socket = null;
      connecting = false;
      for (const [id, done] of waiting) {
        if (queued.some((q) => q.text.startsWith(`{"id":${id},`))) continue;
        done({ ok: false, error: { code: 'internal', message: 'bridge closed', retryable: true } });
        waiting.delete(id);
      }
      if (event.code === 4401) {
        onBridgeState('refused');
        return;
      }
      onBridgeState('lost');
      setTimeout(open, wasOpen ? 250 : retryMs);
      retryMs = Math.min(retryMs * 2, 4000);
    };
  }

  function handleMessage(text: string): void {
    let message: { id?: number; result?: IpcResult<unknown>; event?: string; payload?: unknown };
    try {
      message = JSON.parse(text);
    } catch {
      return;
    }
    if (typeof message.id === 'number' && message.result) {
      waiting.get(message.id)?.(message.result);
      waiting.delete(message.id);
    } else if (isEventName(message.event)) {
      for (const listener of listeners.get(message.event) ?? []) listener(message.payload);
    }
  }

  function invoke(channel: Channel, request: unknown): Promise<IpcResult<unknown>> {
    const id = nextId++;
    const text = JSON.stringify({ id, channel, request });
    return new Promise((resolve) => {
      waiting.set(id, resolve);
      if (socket && socket.readyState === WebSocket.OPEN) socket.send(text);
      else {
        queued.push({ text });
        open();
      }
    });
  }

  function subscribe(event: EventName, listener: (payload: unknown) => void): () => void {
    let set = listeners.get(event);
    if (!set) listeners.set(event, (set = new Set()));
    set.add(listener);
    return () => set.delete(listener);
  }

  open();
  return buildPosApi(invoke, subscribe);
}
