import { existsSync } from 'node:fs';
import Database from 'better-sqlite3';
import { join } from 'node:path';
import type { OrderView } from '../../sandbox/index.ts';
import type { RequestLogEntry } from '../../sandbox/index.ts';
import type { SaleRecord } from '../../shared/sale/sale-record.ts';
import { Notebook } from './cashier.ts';

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
] as const;

interface TillState {
  sales: Map<string, SaleRecord>;
  openInstructions: Array<{ id: string; saleId: string; state: string }>;
}

export function readTill(dataDir: string): TillState {
  const sales = new Map<string, SaleRecord>();
  const path = join(dataDir, 'till.db');
  if (!existsSync(path)) return { sales, openInstructions: [] };
  // A second, read-only connection to the till database, as an outside auditor would open it.
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    const rows = db.prepare("SELECT record FROM sales WHERE realm = 'live'").all() as Array<{ record: string }>;
    for (const row of rows) {
      const sale = JSON.parse(row.record) as SaleRecord;
      sales.set(sale.id, sale);
    }
    const instructions = db
      .prepare(
        "SELECT record FROM outbox WHERE realm = 'live' AND state IN ('pending', 'in_flight', 'needs_attention')",
      )
      .all() as Array<{ record: string }>;
    const openInstructions = instructions.map(
      (row) => JSON.parse(row.record) as { id: string; saleId: string; state: string },
    );
    return { sales, openInstructions };
  } finally {
    db.close();
  }
}

export async function sandboxOrders(baseUrl: string): Promise<OrderView[]> {
  return (await (await fetch(`${baseUrl}/__sandbox/orders`)).json()) as OrderView[];
}

export async function sandboxLog(baseUrl: string): Promise<RequestLogEntry[]> {
  return (await (await fetch(`${baseUrl}/__sandbox/requests`)).json()) as RequestLogEntry[];
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
  const pressesByUuid = new Map<string, number>();
  const anomalies: string[] = [...(input.anomalies ?? [])];
  let unsettled = 0;
  const salesWithOpenWork = new Set<string>();
  for (const till of input.tills) {
    const state = readTill(till.dataDir);
    for (const [id, sale] of state.sales) sales.set(id, sale);
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
  const confirmedUuids = new Set<string>();
  for (const sale of sales.values()) {
    const order = sale.solicitation ? ordersByUuid.get(sale.solicitation.uuid) : undefined;
    const showsConfirmed = tillShowsConfirmed(sale);
    if (showsConfirmed) {
      confirmed += 1;
      if (sale.solicitation) confirmedUuids.add(sale.solicitation.uuid);
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
  let unknownToTill = 0;
  for (const order of orders) {
    const asked = pressesByUuid.get(order.uuid) ?? 0;
    if (order.sms_sent > asked) {
      duplicateSms += 1;
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
  for (const anomaly of anomalies.slice(0, 5)) note('anomalies', anomaly);

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
    },
    problems,
  };
}

export function failedCounters(counters: AuditCounters & { stuck?: number }): string[] {
  const values = counters as unknown as Record<string, number>;
  return [...MUST_BE_ZERO, 'stuck'].filter((key) => (values[key] ?? 0) !== 0);
}
