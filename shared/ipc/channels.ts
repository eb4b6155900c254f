// The names of every channel and event, with no schema attached, so the preload (one small sandboxed
// CommonJS file) can build `window.pos` without bundling zod. `contract.ts` is checked against these lists.
export const CHANNELS = [
  'app.getStatus',
  'app.setLanguage',
  'connectivity.checkNow',
  'sale.current',
  'sale.create',
  'sale.saveDraft',
  'sale.start',
  'sale.sendSms',
  'sale.resendSms',
  'sale.confirm',
  'sale.markRejected',
  'sale.cancel',
  'sale.restart',
  'sale.close',
  'outbox.list',
  'outbox.retryNow',
] as const;
export type Channel = (typeof CHANNELS)[number];

export const EVENTS = ['connectivity.changed', 'status.changed', 'sale.changed', 'outbox.changed'] as const;
export type EventName = (typeof EVENTS)[number];

export function isChannel(value: unknown): value is Channel {
  return typeof value === 'string' && (CHANNELS as readonly string[]).includes(value);
}

export function isEventName(value: unknown): value is EventName {
  return typeof value === 'string' && (EVENTS as readonly string[]).includes(value);
}
