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

export type BridgeState = 'connecting' | 'open' | 'lost' | 'refused';

export function connectPos(onBridgeState: (state: BridgeState) => void): PosApi {
  if (window.pos) {
    onBridgeState('open');
    return window.pos;
  }
  return connectPreviewBridge(onBridgeState);
}

function connectPreviewBridge(onBridgeState: (state: BridgeState) => void): PosApi {
  const token = new URLSearchParams(window.location.hash.slice(1)).get('token') ?? '';
  const listeners = new Map<EventName, Set<(payload: unknown) => void>>();
  const waiting = new Map<number, (result: IpcResult<unknown>) => void>();
  let nextId = 1;
  let socket: WebSocket | null = null;
  let opened: Promise<WebSocket> | null = null;
  let retryMs = 250;

  function open(): Promise<WebSocket> {
    if (opened) return opened;
    onBridgeState('connecting');
    opened = new Promise((resolve) => {
      const ws = new WebSocket(`ws://${window.location.host}/bridge?token=${encodeURIComponent(token)}`);
      let wasOpen = false;
      ws.onopen = () => {
        wasOpen = true;
        socket = ws;
        retryMs = 250;
        onBridgeState('open');
        resolve(ws);
      };
      ws.onmessage = (message) => handleMessage(String(message.data));
      ws.onclose = (event) => {
        socket = null;
        opened = null;
        for (const [id, done] of waiting) {
          done({ ok: false, error: { code: 'internal', message: 'bridge closed', retryable: true } });
          waiting.delete(id);
        }
        if (event.code === 4401) {
          onBridgeState('refused');
          return;
        }
        onBridgeState('lost');
        // Keep trying: the host may be restarting (the sale resumes where it was).
        setTimeout(() => void open(), wasOpen ? 250 : retryMs);
        retryMs = Math.min(retryMs * 2, 4000);
      };
    });
    return opened;
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

  async function invoke(channel: Channel, request: unknown): Promise<IpcResult<unknown>> {
    const ws = socket ?? (await open());
    const id = nextId++;
    return new Promise((resolve) => {
      waiting.set(id, resolve);
      ws.send(JSON.stringify({ id, channel, request }));
    });
  }

  function subscribe(event: EventName, listener: (payload: unknown) => void): () => void {
    let set = listeners.get(event);
    if (!set) listeners.set(event, (set = new Set()));
    set.add(listener);
    return () => set.delete(listener);
  }

  void open();
  return buildPosApi(invoke, subscribe);
}
