import { existsSync } from 'node:fs';
import Database from 'better-sqlite3';
import { join } from 'node:path';
import type { OrderView } from '../../sandbox/index.ts';
import type { RequestLogEntry } from '../../sandbox/index.ts';
import type { SaleRecord } from '../../shared/sale/sale-record.ts';
import { Notebook, controlFetch } from './cashier.ts';

// The end-of-run audit shared by the crash and chaos tests: what each till wrote to disk (its active journal,
// its history and its outbox, read straight from the till database (a read-only connection), not through the core's
// code) against what the sandbox — standing in for SeQura — knows (its orders and request log), plus the
// cashier's notebook of presses. Definitions of the counters (every one after `confirmed` must be 0):
//
//  sales       distinct sales found in the tills' files (active journal + history).
//  confirmed   sales the till shows as confirmed: a confirmation date, or at step handing_over / done.
//  lost_confirmations
//              sales the till shows as confirmed, or whose confirm press the till accepted (step confirming,
//              handing_over or done) and whose outbox has settled (no open instruction left), while SeQura's
//              order for the sale's solicitation is not confirmed (state neither confirmed nor shipped).
//  duplicate_sms
//              orders that received more SMS (form deliveries SeQura carried out) than the cashier asked for
//              with that order's uuid (sendSms / resendSms presses in the notebook).
//  duplicate_solicitations_after_sms
//              sales with more than one solicitation (SeQura orders carrying the sale's cart_ref prefix) that
//              received an SMS: the shopper would have two forms for one purchase.
//  confirmed_at_sequra_unknown_to_till
//              orders confirmed at SeQura (state confirmed or shipped, or any accepted confirmation) whose uuid
//              is not the solicitation of a sale the till shows as confirmed.
//  sent_before_retry_after
//              SeQura requests that arrived before the Retry-After of the last 429 for the same order (the
//              sandbox's request log flags them, whether or not it answers them 429 again).
//  request_bursts
//              groups of identical requests for one order (same method, path, order and body) with more than 3
//              within one second.
//  extra_sms   SMS deliveries beyond what the cashier asked for, summed over the orders (duplicate_sms counts
//              the orders).
// Storage: what the till keeps against what SeQura holds (the till's stored ticket is compared with SeQura's
// order_ref_1 as stored text, whatever the ticket format):
//  ticket_mismatches
//              sales the till shows as confirmed whose SeQura order does not carry the till's stored ticket as
//              order_ref_1.
//  duplicate_order_refs
//              order_ref_1 values carried by more than one order confirmed at SeQura (across all tills).
//  shipped_not_in_history
//              orders SeQura shipped that are not the solicitation of a finished (done) sale in a till's history.
//  history_not_shipped
//              finished (done) sales in a till's history whose order SeQura has not shipped.
// Reported, not required to be 0:
//  confirmation_applications, max_applications_per_confirmation, applications_per_confirmation
//              how many confirm PUTs SeQura applied in all, at most for one order, and how many confirmed
//              orders were applied once, twice… (`1:950,2:48`; a replay after a lost answer is applied again,
//              harmlessly: SeQura's confirm is idempotent).
//  history_sales, shipped_orders
//              finished (done) sales in the tills' histories, and orders SeQura shipped: equal on a clean run.
// Stricter extras, also required to be 0:
//  lost_handovers  sales the till shows as done whose order SeQura does not have as shipped.
//  unsettled       at the end, after the tills drained: sales not at a final step, plus outbox instructions
//                  still open or needing attention.
//  anomalies       things the cashier saw that should not happen (an unexpected refusal, an unknown error).
//  stuck           cashiers that could not finish a sale within its time bound (the run reports them).

export interface TillFiles {
  dataDir: string;
}

export interface AuditCounters {
  sales: number;
  confirmed: number;
  lost_confirmations: number;
  duplicate_sms: number;
  duplicate_solicitations_after_sms: number;
  confirmed_at_sequra_unknown_to_till: number;
  lost_handovers: number;
  unsettled: number;
  anomalies: number;
  sent_before_retry_after: number;
  request_bursts: number;
  extra_sms: number;
  confirmation_applications: number;
  max_applications_per_confirmation: number;
  /** Confirmed orders by how many times SeQura applied their confirmation, e.g. `1:950,2:48`. */
  applications_per_confirmation: string;
  ticket_mismatches: number;
  duplicate_order_refs: number;
  history_sales: number;
  shipped_orders: number;
  shipped_not_in_history: number;
  history_not_shipped: number;
}

export interface AuditReport {
  counters: AuditCounters;
  /** A few examples per non-zero counter, for whoever has to debug it. */
  problems: string[];
}

export const MUST_BE_ZERO = [
  'lost_confirmations',
  'duplicate_sms',
  'duplicate_solicitations_after_sms',
  'confirmed_at_sequra_unknown_to_till',
  'lost_handovers',
  'unsettled',
  'anomalies',
  'sent_before_retry_after',
  'request_bursts',
  'extra_sms',
  'ticket_mismatches',
  'duplicate_order_refs',
  'shipped_not_in_history',
  'history_not_shipped',
] as const;

interface TillState {
  sales: Map<string, SaleRecord>;
  /** Sales in the till's history (finished and archived), by id. */
  history: Set<string>;
  openInstructions: Array<{ id: string; saleId: string; state: string }>;
}

export function readTill(dataDir: string): TillState {
  const sales = new Map<string, SaleRecord>();
  const history = new Set<string>();
  const path = join(dataDir, 'till.db');
  if (!existsSync(path)) return { sales, history, openInstructions: [] };
  // A second, read-only connection to the till database, as an outside auditor would open it.
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    const rows = db.prepare("SELECT archived, record FROM sales WHERE realm = 'live'").all() as Array<{
      archived: number;
      record: string;
    }>;
    for (const row of rows) {
      const sale = JSON.parse(row.record) as SaleRecord;
      sales.set(sale.id, sale);
      if (row.archived === 1) history.add(sale.id);
    }
    const instructions = db
      .prepare(
        "SELECT record FROM outbox WHERE realm = 'live' AND state IN ('pending', 'in_flight', 'needs_attention')",
      )
      .all() as Array<{ record: string }>;
    const openInstructions = instructions.map(
      (row) => JSON.parse(row.record) as { id: string; saleId: string; state: string },
    );
    return { sales, history, openInstructions };
  } finally {
    db.close();
  }
}

export async function sandboxOrders(baseUrl: string): Promise<OrderView[]> {
  return (await (await controlFetch(`${baseUrl}/__sandbox/orders`)).json()) as OrderView[];
}

export async function sandboxLog(baseUrl: string): Promise<RequestLogEntry[]> {
  return (await (await controlFetch(`${baseUrl}/__sandbox/requests`)).json()) as RequestLogEntry[];
}

function cartRefOf(order: OrderView): string | null {
  const ref = order.cart?.cart_ref ?? order.unshipped_cart?.cart_ref ?? order.shipped_cart?.cart_ref;
  return ref === undefined || ref === null ? null : String(ref);
}

/** cart_ref is `${saleId}-${attempt}` (shared/order/build-order-payload.ts). */
function saleIdOfCartRef(cartRef: string): string {
  return cartRef.slice(0, cartRef.lastIndexOf('-'));
}

const isConfirmedAtSequra = (order: OrderView | undefined) =>
  !!order && (order.state === 'confirmed' || order.state === 'shipped');
const tillShowsConfirmed = (sale: SaleRecord) =>
  sale.confirmation.confirmedAt !== null || sale.step === 'handing_over' || sale.step === 'done';

export async function audit(input: {
  tills: TillFiles[];
  sandboxBaseUrl: string;
  anomalies?: string[];
}): Promise<AuditReport> {
  const problems: string[] = [];
  const note = (counter: string, text: string) => {
    if (problems.filter((p) => p.startsWith(counter)).length < 5) problems.push(`${counter}: ${text}`);
  };
  const sales = new Map<string, SaleRecord>();
  const history = new Set<string>();
  const pressesByUuid = new Map<string, number>();
  const anomalies: string[] = [...(input.anomalies ?? [])];
  let unsettled = 0;
  const salesWithOpenWork = new Set<string>();
  for (const till of input.tills) {
    const state = readTill(till.dataDir);
    for (const [id, sale] of state.sales) sales.set(id, sale);
    for (const id of state.history) history.add(id);
    for (const instruction of state.openInstructions) {
      unsettled += 1;
      salesWithOpenWork.add(instruction.saleId);
      note('unsettled', `instruction ${instruction.id} is ${instruction.state}`);
    }
    for (const entry of new Notebook(join(till.dataDir, 'cashier.jsonl')).read()) {
      if ((entry.action === 'sendSms' || entry.action === 'resendSms') && entry.uuid)
        pressesByUuid.set(entry.uuid, (pressesByUuid.get(entry.uuid) ?? 0) + 1);
      if (entry.action === 'anomaly') anomalies.push(`${entry.saleId}: ${entry.detail}`);
    }
  }
  const orders = await sandboxOrders(input.sandboxBaseUrl);
  const ordersByUuid = new Map(orders.map((o) => [o.uuid, o]));
  const ordersBySale = new Map<string, OrderView[]>();
  for (const order of orders) {
    const ref = cartRefOf(order);
    if (!ref) continue;
    const saleId = saleIdOfCartRef(ref);
    ordersBySale.set(saleId, [...(ordersBySale.get(saleId) ?? []), order]);
  }

  let confirmed = 0;
  let lostConfirmations = 0;
  let lostHandovers = 0;
  let duplicateSolicitations = 0;
  let ticketMismatches = 0;
  let historySales = 0;
  let historyNotShipped = 0;
  const confirmedUuids = new Set<string>();
  const doneInHistoryUuids = new Set<string>();
  for (const sale of sales.values()) {
    const order = sale.solicitation ? ordersByUuid.get(sale.solicitation.uuid) : undefined;
    const showsConfirmed = tillShowsConfirmed(sale);
    if (showsConfirmed) {
      confirmed += 1;
      if (sale.solicitation) confirmedUuids.add(sale.solicitation.uuid);
      // The ticket the till stored (and prints) is the reference SeQura holds, byte for byte.
      if (!order || order.order_ref_1 === null || order.order_ref_1 !== sale.ticketNumber) {
        ticketMismatches += 1;
        note(
          'ticket_mismatches',
          `sale ${sale.id} has ticket ${sale.ticketNumber} but SeQura order ${sale.solicitation?.uuid ?? '-'} has order_ref_1 ${order?.order_ref_1 ?? 'none'}`,
        );
      }
    }
    if (history.has(sale.id) && sale.step === 'done') {
      historySales += 1;
      if (sale.solicitation) doneInHistoryUuids.add(sale.solicitation.uuid);
      if (order?.state !== 'shipped') {
        historyNotShipped += 1;
        note(
          'history_not_shipped',
          `sale ${sale.id} (ticket ${sale.ticketNumber}) is done in the history but SeQura order ${sale.solicitation?.uuid ?? '-'} is ${order?.state ?? 'unknown'}`,
        );
      }
    }
    const accepted = ['confirming', 'handing_over', 'done'].includes(sale.step);
    const settled = !salesWithOpenWork.has(sale.id);
    if ((showsConfirmed || (accepted && settled)) && !isConfirmedAtSequra(order)) {
      lostConfirmations += 1;
      note(
        'lost_confirmations',
        `sale ${sale.id} (${sale.step}, ticket ${sale.ticketNumber}) but SeQura order ${sale.solicitation?.uuid} is ${order?.state ?? 'unknown'}`,
      );
    }
    if (sale.step === 'done' && order?.state !== 'shipped') {
      lostHandovers += 1;
      note(
        'lost_handovers',
        `sale ${sale.id} done but SeQura order ${sale.solicitation?.uuid} is ${order?.state ?? 'unknown'}`,
      );
    }
    if (!['done', 'rejected', 'cancelled'].includes(sale.step)) {
      unsettled += 1;
      note('unsettled', `sale ${sale.id} ended the run at ${sale.step}`);
    }
    const withSms = (ordersBySale.get(sale.id) ?? []).filter((o) => o.sms_sent > 0);
    if (withSms.length > 1) {
      duplicateSolicitations += 1;
      note(
        'duplicate_solicitations_after_sms',
        `sale ${sale.id}: ${withSms.map((o) => `${o.uuid} (${o.sms_sent} SMS)`).join(', ')}`,
      );
    }
  }

  let duplicateSms = 0;
  let extraSms = 0;
  let unknownToTill = 0;
  let confirmationApplications = 0;
  let maxApplications = 0;
  let shippedOrders = 0;
  let shippedNotInHistory = 0;
  const applicationsHistogram = new Map<number, number>();
  const confirmedByRef = new Map<string, string[]>();
  for (const order of orders) {
    confirmationApplications += order.confirmed_count;
    maxApplications = Math.max(maxApplications, order.confirmed_count);
    if (order.confirmed_count > 0)
      applicationsHistogram.set(order.confirmed_count, (applicationsHistogram.get(order.confirmed_count) ?? 0) + 1);
    if (isConfirmedAtSequra(order) && order.order_ref_1 !== null)
      confirmedByRef.set(order.order_ref_1, [...(confirmedByRef.get(order.order_ref_1) ?? []), order.uuid]);
    if (order.state === 'shipped') {
      shippedOrders += 1;
      if (!doneInHistoryUuids.has(order.uuid)) {
        shippedNotInHistory += 1;
        const ref = cartRefOf(order);
        const sale = ref ? sales.get(saleIdOfCartRef(ref)) : undefined;
        note(
          'shipped_not_in_history',
          `order ${order.uuid} (${order.order_ref_1}) shipped → till sale ${sale?.id ?? 'none'} at ${sale?.step ?? '-'}${sale && !history.has(sale.id) ? ', not in the history' : ''}`,
        );
      }
    }
    const asked = pressesByUuid.get(order.uuid) ?? 0;
    if (order.sms_sent > asked) {
      duplicateSms += 1;
      extraSms += order.sms_sent - asked;
      note('duplicate_sms', `order ${order.uuid} got ${order.sms_sent} SMS, the cashier asked for ${asked}`);
    }
    if ((isConfirmedAtSequra(order) || order.confirmed_count > 0) && !confirmedUuids.has(order.uuid)) {
      unknownToTill += 1;
      const ref = cartRefOf(order);
      const sale = ref ? sales.get(saleIdOfCartRef(ref)) : undefined;
      note(
        'confirmed_at_sequra_unknown_to_till',
        `order ${order.uuid} (${order.state}, ${order.order_ref_1}) → till sale ${sale?.id ?? 'none'} at ${sale?.step ?? '-'}`,
      );
    }
  }
  let duplicateOrderRefs = 0;
  for (const [ref, uuids] of confirmedByRef) {
    if (uuids.length < 2) continue;
    duplicateOrderRefs += 1;
    note('duplicate_order_refs', `order_ref_1 ${ref} is on ${uuids.length} confirmed orders: ${uuids.join(', ')}`);
  }
  for (const anomaly of anomalies.slice(0, 5)) note('anomalies', anomaly);

  const log = await sandboxLog(input.sandboxBaseUrl);
  const early = log.filter((entry) => entry.before_retry_after);
  for (const entry of early.slice(0, 5))
    note('sent_before_retry_after', `${entry.method} ${entry.path} at ${entry.at} (${entry.order_key})`);
  const bursts = requestBursts(log);
  for (const burst of bursts.slice(0, 5)) note('request_bursts', burst);

  return {
    counters: {
      sales: sales.size,
      confirmed,
      lost_confirmations: lostConfirmations,
      duplicate_sms: duplicateSms,
      duplicate_solicitations_after_sms: duplicateSolicitations,
      confirmed_at_sequra_unknown_to_till: unknownToTill,
      lost_handovers: lostHandovers,
      unsettled,
      anomalies: anomalies.length,
      sent_before_retry_after: early.length,
      request_bursts: bursts.length,
      extra_sms: extraSms,
      confirmation_applications: confirmationApplications,
      max_applications_per_confirmation: maxApplications,
      applications_per_confirmation:
        [...applicationsHistogram.entries()]
          .sort((a, b) => a[0] - b[0])
          .map(([times, count]) => `${times}:${count}`)
          .join(',') || '-',
      ticket_mismatches: ticketMismatches,
      duplicate_order_refs: duplicateOrderRefs,
      history_sales: historySales,
      shipped_orders: shippedOrders,
      shipped_not_in_history: shippedNotInHistory,
      history_not_shipped: historyNotShipped,
    },
    problems,
  };
}

/** More than this many identical requests for one order within a second is a burst. */
const BURST_LIMIT = 3;
const BURST_WINDOW_MS = 1_000;

/** Groups of identical requests for one order with more than BURST_LIMIT inside one second (one line each). */
export function requestBursts(log: RequestLogEntry[]): string[] {
  const groups = new Map<string, number[]>();
  for (const entry of log) {
    if (entry.order_key === null) continue;
    const key = `${entry.method} ${entry.path} ${entry.order_key} ${entry.body_sha256 ?? ''}`;
    const times = groups.get(key) ?? [];
    times.push(Date.parse(entry.at));
    groups.set(key, times);
  }
  const bursts: string[] = [];
  for (const [key, times] of groups) {
    times.sort((a, b) => a - b);
    for (let i = BURST_LIMIT; i < times.length; i += 1) {
      if (times[i]! - times[i - BURST_LIMIT]! < BURST_WINDOW_MS) {
        bursts.push(`${key.slice(0, 160)}: ${BURST_LIMIT + 1} within ${times[i]! - times[i - BURST_LIMIT]!} ms`);
        break;
      }
    }
  }
  return bursts;
}

/** The counters every full run prints after its own (traffic and storage), as `name=value` pairs. */
export function auditSummary(counters: AuditCounters): string {
  return (
    `sent_before_retry_after=${counters.sent_before_retry_after} request_bursts=${counters.request_bursts}` +
    ` extra_sms=${counters.extra_sms} ticket_mismatches=${counters.ticket_mismatches}` +
    ` duplicate_order_refs=${counters.duplicate_order_refs} history_sales=${counters.history_sales}` +
    ` shipped_orders=${counters.shipped_orders} shipped_not_in_history=${counters.shipped_not_in_history}` +
    ` history_not_shipped=${counters.history_not_shipped} confirmation_applications=${counters.confirmation_applications}` +
    ` max_applications_per_confirmation=${counters.max_applications_per_confirmation}` +
    ` applications_per_confirmation=${counters.applications_per_confirmation}`
  );
}

export function failedCounters(counters: AuditCounters & { stuck?: number }): string[] {
  const values = counters as unknown as Record<string, number>;
  return [...MUST_BE_ZERO, 'stuck'].filter((key) => (values[key] ?? 0) !== 0);
}
