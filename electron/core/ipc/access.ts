import type { Channel, EventName } from '../../../shared/ipc/channels.ts';

// Who may call each channel, in one table. The dispatcher enforces it for both transports (Electron IPC and
// the preview WebSocket) before a request is even parsed, so a locked till answers only its lock screen.
//
//   role       none: the lock and sign-in screens' own channels (nothing in their answers is a shopper's);
//              cashier: an unlocked session; manager: an unlocked manager session, a session a manager PIN has
//              elevated, or (where the request carries one) a manager PIN checked here, rate limited and audited.
//   audit      dispatcher: one audit line per call (actor, channel, outcome, the sale or instruction id), in the
//              same transaction as the outcome the call records on the sale (audit/action-audit.ts);
//              handler: the handler writes its own, more detailed lines; none: reads, pings, and what is typed
//              keystroke by keystroke (the draft, the language).
//   activity   whether a call means somebody is at the till (postpones the idle lock).
//   needsConfig refused while the machine configuration file is invalid (everything that sells or reports).
export type Role = 'none' | 'cashier' | 'manager';

export interface ChannelRule {
  role: Role;
  audit: 'dispatcher' | 'handler' | 'none';
  activity: boolean;
  needsConfig: boolean;
}

const read = (role: Role): ChannelRule => ({ role, audit: 'none', activity: false, needsConfig: false });
const sell = (audit: ChannelRule['audit'] = 'dispatcher'): ChannelRule => ({
  role: 'cashier',
  audit,
  activity: true,
  needsConfig: true,
});
const admin = (role: Role): ChannelRule => ({ role, audit: 'handler', activity: true, needsConfig: false });

export const CHANNEL_ACCESS: Record<Channel, ChannelRule> = {
  'app.getStatus': read('none'),
  'app.setLanguage': { role: 'none', audit: 'none', activity: true, needsConfig: false },
  'app.acknowledgeRecovery': { role: 'cashier', audit: 'dispatcher', activity: true, needsConfig: false },
  'connectivity.checkNow': read('none'),
  'sale.current': read('cashier'),
  'sale.create': sell(),
  'sale.saveDraft': sell('none'),
  'sale.start': sell(),
  'sale.sendSms': sell(),
  'sale.resendSms': sell(),
  'sale.confirm': sell(),
  'sale.markRejected': sell(),
  'sale.cancel': sell(),
  'sale.restart': sell(),
  'sale.close': sell(),
  'sale.releaseGoods': sell(),
  'sale.productLimits': read('cashier'),
  'print.receipt': { role: 'cashier', audit: 'dispatcher', activity: true, needsConfig: false },
  'outbox.list': read('cashier'),
  'outbox.retryNow': sell(),
  'afterSale.search': sell(),
  'afterSale.detail': sell(),
  'afterSale.cancel': sell(),
  'afterSale.return': sell(),
  'afterSale.reprint': sell(),
  'report.day': sell(),
  'report.csv': sell(),
  'report.closeDay': sell(),
  'session.signIn': admin('none'),
  'session.signOut': admin('none'),
  'session.lock': admin('none'),
  'session.unlock': admin('none'),
  'session.activity': { role: 'none', audit: 'none', activity: false, needsConfig: false },
  'session.elevate': admin('cashier'),
  'session.endElevation': admin('cashier'),
  'operators.list': admin('manager'),
  'operators.create': admin('manager'),
  // First run: the first manager is created from the sign-in screen (the handler refuses once one exists).
  'operators.bootstrapManager': admin('none'),
  'operators.setPin': admin('manager'),
  'operators.setDisabled': admin('manager'),
  'admin.testConnection': admin('manager'),
  'admin.saveCredentials': admin('manager'),
  'admin.removeCredentials': admin('manager'),
  'admin.enrolFromFile': admin('manager'),
  // The configuration-problem screen's "check again": anyone at a till whose file is broken (nobody can sign in
  // to sell there anyway); on a working till the handler asks for a manager's elevated session.
  'admin.reloadConfig': admin('none'),
  // The full integrity check reads the whole database: a manager's, shown in the settings.
  'admin.checkDatabase': admin('manager'),
  'audit.export': admin('manager'),
  // Support's bundle: a manager session, or a manager PIN in the request (the configuration-problem screen).
  'diagnostics.export': admin('manager'),
};

/** Events are pushed to the page under the same rule: shopper data only to an unlocked till. */
export const EVENT_ACCESS: Record<EventName, Role> = {
  'status.changed': 'none',
  'connectivity.changed': 'none',
  'sale.changed': 'cashier',
  'outbox.changed': 'cashier',
};
