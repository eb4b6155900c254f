// The names of every channel and event, with no schema attached, so the preload (one small sandboxed
// CommonJS file) can build `window.pos` without bundling zod. `contract.ts` is checked against these lists.
export const CHANNELS = [
  'app.getStatus',
  'app.setLanguage',
  'app.acknowledgeRecovery',
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
  'sale.releaseGoods',
  'sale.productLimits',
  'print.receipt',
  'outbox.list',
  'outbox.retryNow',
  'afterSale.search',
  'afterSale.detail',
  'afterSale.cancel',
  'afterSale.return',
  'afterSale.reprint',
  'report.day',
  'report.csv',
  'report.closeDay',
  // Operators, sign-in, credentials, configuration, audit and diagnostics (shared/ipc/admin-schemas.ts).
  'session.signIn',
  'session.signOut',
  'session.lock',
  'session.unlock',
  'session.activity',
  'session.elevate',
  'session.endElevation',
  'operators.list',
  'operators.create',
  'operators.bootstrapManager',
  'operators.setPin',
  'operators.setDisabled',
  'admin.testConnection',
  'admin.saveCredentials',
  'admin.removeCredentials',
  'admin.enrolFromFile',
  'admin.reloadConfig',
  'admin.checkDatabase',
  'audit.export',
  'diagnostics.export',
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
