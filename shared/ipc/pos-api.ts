import { CHANNELS, type Channel, type EventName } from './channels.ts';
import type { EventPayload, RequestOf, ResponseOf } from './contract.ts';
import type { IpcResult } from './result.ts';

// `window.pos`: one named method per channel, grouped by namespace ('sale.start' → pos.sale.start()).
// Built from the channel list by both transports (Electron preload, preview WebSocket bridge), so the
// renderer cannot tell them apart and there is no generic invoke(channel) to misuse.
type Namespace<C extends string> = C extends `${infer N}.${string}` ? N : never;
type MethodName<C extends string, N extends string> = C extends `${N}.${infer M}` ? M : never;

export type PosApi = {
  [N in Namespace<Channel>]: {
    [M in MethodName<Channel, N>]: `${N}.${M}` extends infer C extends Channel
      ? (request: RequestOf<C>) => Promise<IpcResult<ResponseOf<C>>>
      : never;
  };
} & {
  /** Subscribe to a main → renderer event; returns the unsubscribe function. */
  subscribe<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void;
};

export type Invoke = (channel: Channel, request: unknown) => Promise<IpcResult<unknown>>;
export type Subscribe = (event: EventName, listener: (payload: unknown) => void) => () => void;

export function buildPosApi(invoke: Invoke, subscribe: Subscribe): PosApi {
  const api: Record<string, Record<string, (request: unknown) => Promise<IpcResult<unknown>>>> = {};
  for (const channel of CHANNELS) {
    const [namespace, method] = channel.split('.') as [string, string];
    api[namespace] ??= {};
    api[namespace][method] = (request: unknown) => invoke(channel, request ?? {});
  }
  return Object.assign(api, { subscribe }) as unknown as PosApi;
}
