import { useEffect, useMemo, useState } from 'react';
import type { EventName } from '../../shared/ipc/channels.ts';
import type { EventPayload } from '../../shared/ipc/contract.ts';
import type { PosApi } from '../../shared/ipc/pos-api.ts';
import { connectPos, type BridgeState } from '../bridge/pos-client.ts';

let singleton: { api: PosApi; listeners: Set<(s: BridgeState) => void>; state: BridgeState } | null = null;

function getPos() {
  if (!singleton) {
    const listeners = new Set<(s: BridgeState) => void>();
    const holder = { api: null as unknown as PosApi, listeners, state: 'connecting' as BridgeState };
    holder.api = connectPos((state) => {
      holder.state = state;
      for (const l of listeners) l(state);
    });
    singleton = holder;
  }
  return singleton;
}

/** The one `pos` API for the whole renderer, plus the state of its transport. */
export function usePos(): { pos: PosApi; bridge: BridgeState } {
  const holder = useMemo(getPos, []);
  const [bridge, setBridge] = useState<BridgeState>(holder.state);
  useEffect(() => {
    holder.listeners.add(setBridge);
    setBridge(holder.state);
    return () => void holder.listeners.delete(setBridge);
  }, [holder]);
  return { pos: holder.api, bridge };
}

/** Subscribe to a main → renderer event for the lifetime of the component. */
export function usePosEvent<E extends EventName>(
  pos: PosApi,
  event: E,
  listener: (payload: EventPayload<E>) => void,
): void {
  useEffect(() => pos.subscribe(event, listener), [pos, event, listener]);
}
