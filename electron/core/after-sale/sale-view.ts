import type { SaleStatus, SaleSummary } from '../../../shared/ipc/after-sale-schemas.ts';
import { inCashiersHands } from '../../../shared/sale/sale-machine.ts';
import { sumCents, type Cents } from '../../../shared/money/cents.ts';
import type { SaleCancellation, SaleReturn } from '../../../shared/sale/after-sale-record.ts';
import { cartTotals } from '../../../shared/sale/cart.ts';
import { isFinal, type AttentionCode, type SaleRecord } from '../../../shared/sale/sale-record.ts';

// How the history and the report read one sale: its status, its amounts and the keys it is found by.
// Pure functions of the record, so the sales list, the sale's page, the report and the CSV can never
// disagree about a sale.

/** Records journaled before the after-sale fields existed lack them: read them as "nothing after the sale". */
export function normalizeSale(sale: SaleRecord): SaleRecord {
  return { ...sale, returns: sale.returns ?? [], postSale: sale.postSale ?? null };
}

export function localTime(iso: string): string {
  const d = new Date(iso);
  return `${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

/**
 * The last four digits of the shopper's mobile. The privacy purge (N days after a sale ends) blanks the
 * shopper's data but keeps the mobile as '*****5678' for exactly this search, so the digits of whatever is
 * there are read; a record with fewer than four digits has no phone key.
 */
export function phoneLast4(sale: SaleRecord): string | null {
  const digits = (sale.shopper?.mobile ?? '').replace(/\D/g, '');
  return digits.length >= 4 ? digits.slice(-4) : null;
}

export function shopperName(sale: SaleRecord): string {
  const given = (sale.shopper?.givenNames ?? '').trim();
  const initial = (sale.shopper?.firstSurname ?? '').trim().charAt(0);
  return [given, initial ? `${initial}.` : ''].filter(Boolean).join(' ').slice(0, 120);
}

export function cancellations(sale: SaleRecord): SaleCancellation[] {
  return sale.postSale?.cancellations ?? [];
}

export function doneReturns(sale: SaleRecord): SaleReturn[] {
  return (sale.returns ?? []).filter((r) => r.state === 'done');
}

export function cancelledAtSequra(sale: SaleRecord): SaleCancellation | null {
  return cancellations(sale).find((c) => c.state === 'done') ?? null;
}

export function isConfirmed(sale: SaleRecord): boolean {
  return sale.confirmation.confirmedAt !== null;
}

/** What the cart finances (as confirmed, or as it would be): lines − discounts − paid at the till. */
export function financedCents(sale: SaleRecord): Cents {
  return Math.max(0, cartTotals(sale.cart).financedCents);
}

/** Returns and refunds SeQura accepted, in cents. */
export function returnedCents(sale: SaleRecord): Cents {
  return sumCents(doneReturns(sale).map((r) => r.returnedGoodsCents + r.refundsCents));
}

/** What SeQura finances now: nothing unless confirmed, nothing once cancelled, less what came back. */
export function currentFinancedCents(sale: SaleRecord): Cents {
  if (!isConfirmed(sale) || cancelledAtSequra(sale)) return 0;
  return Math.max(0, financedCents(sale) - returnedCents(sale));
}

/** The latest after-sale update (return or cancellation), if any: the one whose answer matters now. */
export function latestUpdate(sale: SaleRecord): SaleReturn | SaleCancellation | null {
  const all: Array<SaleReturn | SaleCancellation> = [...(sale.returns ?? []), ...cancellations(sale)];
  return all.sort((a, b) => a.requestedAt.localeCompare(b.requestedAt)).at(-1) ?? null;
}

/** Why the sale needs a person, if it does: the sale's own flag, or SeQura refusing its latest update. */
export function attentionReason(sale: SaleRecord): string | null {
  if (sale.needsAttention) return sale.needsAttention.reason;
  const latest = latestUpdate(sale);
  if (latest && (latest.state === 'refused' || latest.state === 'gave_up')) {
    const answer = latest.answer;
    return (answer ? `${answer.status ?? answer.code}: ${answer.message}` : latest.state).slice(0, 500);
  }
  return null;
}

/** `attentionReason` as a code the screen words in the cashier's language. */
export function attentionCode(sale: SaleRecord): AttentionCode | null {
  if (sale.needsAttention) return sale.needsAttention.code ?? 'unknown';
  const latest = latestUpdate(sale);
  if (latest?.state === 'refused') return 'update_refused';
  if (latest?.state === 'gave_up') return 'update_gave_up';
  return null;
}

export function hasPendingUpdate(sale: SaleRecord): boolean {
  return [...(sale.returns ?? []), ...cancellations(sale)].some((u) => u.state === 'pending');
}

/** Every status that applies to the sale (filters match any of them). */
export function statusFlags(sale: SaleRecord): SaleStatus[] {
  const flags: SaleStatus[] = [];
  if (attentionReason(sale) !== null) flags.push('needs_attention');
  if (sale.step === 'confirming' || sale.pendingInstructions > 0 || hasPendingUpdate(sale)) flags.push('pending');
  if (sale.step === 'cancelled' || cancelledAtSequra(sale)) flags.push('cancelled');
  if (doneReturns(sale).length > 0) flags.push('returned');
  if (isConfirmed(sale)) flags.push('confirmed');
  if (sale.step === 'rejected') flags.push('rejected');
  if (!isConfirmed(sale) && inCashiersHands(sale.step)) flags.push('in_progress');
  return flags;
}

/** The one status shown on the sale's badge and used for the CSV: the first flag in SALE_STATUSES order. */
export function primaryStatus(flags: readonly SaleStatus[], sale: SaleRecord): SaleStatus {
  const order: SaleStatus[] = [
    'needs_attention',
    'pending',
    'cancelled',
    'returned',
    'confirmed',
    'rejected',
    'in_progress',
  ];
  return order.find((status) => flags.includes(status)) ?? (isFinal(sale.step) ? 'cancelled' : 'in_progress');
}

export function summarize(rawSale: SaleRecord, matchedBy: SaleSummary['matchedBy'] = null): SaleSummary {
  const sale = normalizeSale(rawSale);
  const flags = statusFlags(sale);
  return {
    saleId: sale.id,
    createdAt: sale.createdAt,
    storeRef: sale.storeRef,
    tillId: sale.tillId,
    operatorRef: sale.operatorRef,
    ticketNumber: sale.ticketNumber,
    uuid: sale.solicitation?.uuid ?? null,
    product: sale.product ? { code: sale.product.code, title: sale.product.title } : null,
    phoneLast4: phoneLast4(sale),
    shopperName: shopperName(sale),
    status: primaryStatus(flags, sale),
    flags,
    training: sale.training,
    financedCents: financedCents(sale),
    currentFinancedCents: currentFinancedCents(sale),
    confirmedAt: sale.confirmation.confirmedAt,
    step: sale.step,
    pendingInstructions: sale.pendingInstructions,
    attention: attentionReason(sale),
    attentionCode: attentionCode(sale),
    matchedBy,
  };
}
