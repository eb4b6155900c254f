import type { SaleStep } from './sale-record.ts';

// The sale's state machine in one table: at each step, what the cashier may do and where each action can
// lead, and where the till itself moves the sale (SeQura's answer, a crash resumed, the outbox settling an
// instruction). The sale service checks every action against it and refuses a step change it does not list;
// the after-sale service and the renderer ask it instead of keeping lists of their own.
export const SALE_ACTIONS = [
  'edit', //         save the draft (cart and shopper) as typed
  'start', //        POST /orders (or reload the products of a solicited order)
  'sendSms', //      pick a product and send SeQura's form by SMS
  'resendSms',
  'confirm', //      the shopper's phone says approved: confirm with the ticket number
  'releaseGoods', // store policy: a manager lets the goods go while the confirmation waits for SeQura
  'markRejected', // the shopper was not approved
  'cancel', //       abandon before confirmation
  'restart', //      change the purchase: back to an editable draft, the old solicitation abandoned
  'close', //        leave the sale for the next shopper (finished, or finishing in the background)
] as const;
export type SaleAction = (typeof SALE_ACTIONS)[number];

export interface StepRule {
  /** What the cashier may do here, and every step that action can lead to. */
  actions: Partial<Record<SaleAction, readonly SaleStep[]>>;
  /** Where the till moves the sale by itself from here. */
  till: readonly SaleStep[];
}

const ABANDON = { markRejected: ['rejected'], cancel: ['cancelled'], restart: ['draft'] } as const;
/** A start: in flight, then solicited, uncertain (answer lost), queued (SeQura unreachable) or refused (back to the form). */
const START = ['starting'] as const;
const START_OUTCOMES = ['choose_product', 'start_uncertain', 'start_queued', 'draft'] as const;

export const SALE_MACHINE: Record<SaleStep, StepRule> = {
  draft: { actions: { edit: ['draft'], start: START, cancel: ['cancelled'] }, till: [] },
  start_queued: {
    actions: { edit: ['draft'], start: START, cancel: ['cancelled'], restart: ['draft'] },
    till: START, // SeQura answers again: the start goes by itself
  },
  starting: { actions: {}, till: [...START_OUTCOMES] },
  start_uncertain: { actions: { start: START, ...ABANDON }, till: [] },
  choose_product: {
    // `start` here reloads the products of the solicited order.
    actions: { start: ['choose_product'], sendSms: ['sending_sms'], ...ABANDON },
    till: [],
  },
  // Sent or uncertain → awaiting approval; refused or rate limited → back where it was asked from.
  sending_sms: { actions: {}, till: ['awaiting_approval', 'choose_product'] },
  awaiting_approval: {
    actions: { resendSms: ['sending_sms'], confirm: ['confirming'], ...ABANDON },
    till: [],
  },
  confirming: {
    actions: { releaseGoods: ['confirming'], close: ['confirming'] },
    till: ['confirm_refused', 'handing_over', 'done'],
  },
  confirm_refused: {
    actions: { resendSms: ['sending_sms'], confirm: ['confirming'], ...ABANDON },
    till: [],
  },
  handing_over: { actions: { close: ['handing_over'] }, till: ['done'] },
  done: { actions: { close: ['done'] }, till: [] },
  rejected: { actions: { close: ['rejected'] }, till: [] },
  cancelled: { actions: { close: ['cancelled'] }, till: [] },
};

export function allows(step: SaleStep, action: SaleAction): boolean {
  return SALE_MACHINE[step].actions[action] !== undefined;
}

/** Every step at which the cashier may take `action`. */
export function stepsAllowing(action: SaleAction): SaleStep[] {
  return (Object.keys(SALE_MACHINE) as SaleStep[]).filter((step) => allows(step, action));
}

/** Whether the table lists `from → to` (staying at a step is always allowed: the record changes, not the step). */
export function canMove(from: SaleStep, to: SaleStep): boolean {
  if (from === to) return true;
  const rule = SALE_MACHINE[from];
  return rule.till.includes(to) || Object.values(rule.actions).some((targets) => targets.includes(to));
}

/**
 * Steps the cashier may leave for the next shopper: finished ones, and those whose remaining work is an
 * outbox instruction that goes on in the background (it stays in "Pending" until SeQura has it).
 */
export function canLeaveForNextSale(step: SaleStep): boolean {
  return allows(step, 'close');
}

/** Steps where the sale is still in the cashier's hands: not finished, and nothing goes on in the background. */
export function inCashiersHands(step: SaleStep): boolean {
  return !canLeaveForNextSale(step);
}
