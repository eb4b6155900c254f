import type { DayReport, ReportRow, SaleStatus } from '../../../shared/ipc/after-sale-schemas.ts';
import { localIsoDate } from '../../../shared/time/local-date.ts';
import type { OutboxItem } from '../../../shared/ipc/sale-schemas.ts';
import { sumCents, type Cents } from '../../../shared/money/cents.ts';
import type { SaleRecord } from '../../../shared/sale/sale-record.ts';
import {
  cancellations,
  cancelledAtSequra,
  currentFinancedCents,
  doneReturns,
  financedCents,
  isConfirmed,
  localTime,
  normalizeSale,
  returnedCents as returnedCentsOf,
  summarize,
} from './sale-view.ts';

// The per-till end-of-day report and its CSV (docs/reports.md). Pure: the same sales give the same report,
// which is what the sales list shows for that day, so a manager can check one against the other.
//
// Reading of the numbers (a Z report): `confirmed` is gross (what SeQura confirmed that day); returns and
// cancellations that SeQura accepted are then taken off, giving `netFinancedCents` = what SeQura finances for
// the day's sales now. Returns asked on the day for sales of earlier days are listed apart (`afterSale`).

export interface DayReportInput {
  date: string;
  storeRef: string;
  tillId: string;
  /** The till is in training mode: its own sales are training sales. */
  training: boolean;
  /** The till's own sales (any day: the report picks). */
  sales: SaleRecord[];
  /** Training sales of a live till (its training folder), only counted as "excluded". */
  trainingSales: SaleRecord[];
  outbox: OutboxItem[];
  closures: DayReport['closures'];
  now: Date;
}

export function computeDayReport(input: DayReportInput): DayReport {
  const { date } = input;
  const own = input.sales.map(normalizeSale).filter((sale) => sale.tillId === input.tillId);
  const ofDay = own.filter((sale) => localIsoDate(sale.createdAt) === date);

  const confirmed = ofDay.filter(isConfirmed);
  const byProduct = new Map<string, { product: string; title: string; count: number; amountCents: Cents }>();
  for (const sale of confirmed) {
    const code = sale.product?.code ?? '—';
    const entry = byProduct.get(code) ?? { product: code, title: sale.product?.title ?? '—', count: 0, amountCents: 0 };
    entry.count += 1;
    entry.amountCents += financedCents(sale);
    byProduct.set(code, entry);
  }

  const pending = ofDay.filter((sale) => sale.step === 'confirming');
  const attention = ofDay.filter((sale) => summarize(sale).flags.includes('needs_attention'));
  const cancelledAfter = ofDay.filter((sale) => isConfirmed(sale) && cancelledAtSequra(sale) !== null);
  const returnedSales = ofDay.filter((sale) => isConfirmed(sale) && doneReturns(sale).length > 0);
  const returnedCents = sumCents(
    returnedSales.flatMap((sale) => doneReturns(sale).map((r) => r.returnedGoodsCents + r.refundsCents)),
  );

  // Returns and cancellations asked on the day, of any sale of this till.
  const afterSale: DayReport['afterSale'] = [];
  for (const sale of own) {
    const earlierSale = localIsoDate(sale.createdAt) < date;
    for (const r of sale.returns) {
      if (localIsoDate(r.requestedAt) !== date) continue;
      afterSale.push({
        saleId: sale.id,
        ticketNumber: sale.ticketNumber,
        saleCreatedAt: sale.createdAt,
        kind: 'return',
        id: r.id,
        state: r.state,
        amountCents: r.returnedGoodsCents + r.refundsCents,
        requestedAt: r.requestedAt,
        authorizedBy: r.authorizedBy,
        earlierSale,
      });
    }
    for (const c of cancellations(sale)) {
      if (localIsoDate(c.requestedAt) !== date) continue;
      afterSale.push({
        saleId: sale.id,
        ticketNumber: sale.ticketNumber,
        saleCreatedAt: sale.createdAt,
        kind: 'cancellation',
        id: c.id,
        state: c.state,
        amountCents: c.financedBeforeCents,
        requestedAt: c.requestedAt,
        authorizedBy: c.authorizedBy,
        earlierSale,
      });
    }
  }
  afterSale.sort((a, b) => a.requestedAt.localeCompare(b.requestedAt));

  const rows: ReportRow[] = [
    ...ofDay.map((sale) => row(sale, 'sale', date)),
    ...own
      .filter((sale) => localIsoDate(sale.createdAt) !== date && afterSale.some((a) => a.saleId === sale.id))
      .map((sale) => row(sale, 'after_sale', date)),
  ].sort((a, b) => a.createdAt.localeCompare(b.createdAt));

  const referenceUpdates = new Set(
    input.outbox
      .filter((item) => item.kind === 'register_reference' && item.state !== 'done')
      .map((item) => item.saleId),
  );
  const missingReference: DayReport['missingReference'] = [];
  for (const sale of own) {
    if (cancelledAtSequra(sale)) continue;
    const ref = {
      saleId: sale.id,
      ticketNumber: sale.ticketNumber,
      createdAt: sale.createdAt,
      amountCents: financedCents(sale),
    };
    if (referenceUpdates.has(sale.id)) missingReference.push({ ...ref, reason: 'reference_update_pending' });
    else if (isConfirmed(sale) && sale.referenceRegisteredAt === null)
      missingReference.push({ ...ref, reason: 'reference_not_registered' });
    else if (sale.step === 'confirming' && sale.confirmation.goodsReleasedBy)
      missingReference.push({ ...ref, reason: 'goods_released_confirmation_pending' });
  }
  missingReference.sort((a, b) => a.createdAt.localeCompare(b.createdAt));

  const pendingConfirmations = own
    .filter((sale) => sale.step === 'confirming')
    .map((sale) => ({
      saleId: sale.id,
      ticketNumber: sale.ticketNumber,
      createdAt: sale.createdAt,
      amountCents: financedCents(sale),
    }))
    .sort((a, b) => a.createdAt.localeCompare(b.createdAt));

  const training = input.training
    ? []
    : input.trainingSales
        .map(normalizeSale)
        .filter((s) => s.tillId === input.tillId && localIsoDate(s.createdAt) === date);

  return {
    date,
    storeRef: input.storeRef,
    tillId: input.tillId,
    training: input.training,
    generatedAt: input.now.toISOString(),
    salesCount: ofDay.length,
    confirmed: {
      count: confirmed.length,
      amountCents: sumCents(confirmed.map(financedCents)),
      byProduct: [...byProduct.values()].sort(
        (a, b) => b.amountCents - a.amountCents || a.product.localeCompare(b.product),
      ),
    },
    pending: { count: pending.length, amountCents: sumCents(pending.map(financedCents)) },
    needsAttention: { count: attention.length, amountCents: sumCents(attention.map(financedCents)) },
    cancelled: {
      beforeConfirmation: ofDay.filter((sale) => sale.step === 'cancelled').length,
      // What was still financed when SeQura cancelled it (returns it accepted before are in `returned`), so
      // confirmed − returned − cancelled is always the net.
      afterConfirmation: {
        count: cancelledAfter.length,
        amountCents: sumCents(cancelledAfter.map((sale) => Math.max(0, financedCents(sale) - returnedCentsOf(sale)))),
      },
    },
    returned: { count: returnedSales.length, amountCents: returnedCents },
    rejected: ofDay.filter((sale) => sale.step === 'rejected').length,
    inProgress: ofDay.filter((sale) => summarize(sale).flags.includes('in_progress')).length,
    netFinancedCents: sumCents(ofDay.map(currentFinancedCents)),
    afterSale,
    trainingExcluded: {
      count: training.length,
      amountCents: sumCents(training.filter(isConfirmed).map(financedCents)),
    },
    missingReference,
    pendingConfirmations,
    rows,
    closures: input.closures,
  };
}

function row(sale: SaleRecord, kind: ReportRow['kind'], date: string): ReportRow {
  const summary = summarize(sale);
  const financed = financedCents(sale);
  const current = currentFinancedCents(sale);
  const onDay = [
    ...sale.returns
      .filter((r) => localIsoDate(r.requestedAt) === date)
      .map((r) => r.returnedGoodsCents + r.refundsCents),
    ...cancellations(sale)
      .filter((c) => localIsoDate(c.requestedAt) === date)
      .map((c) => c.financedBeforeCents),
  ];
  return {
    saleId: sale.id,
    kind,
    createdAt: sale.createdAt,
    ticketNumber: sale.ticketNumber,
    uuid: sale.solicitation?.uuid ?? null,
    product: sale.product?.code ?? null,
    productTitle: sale.product?.title ?? null,
    status: summary.status,
    financedCents: financed,
    reducedCents: isConfirmed(sale) ? financed - current : 0,
    currentFinancedCents: current,
    reducedOnDayCents: sumCents(onDay),
    confirmedAt: sale.confirmation.confirmedAt,
    referenceRegistered: sale.referenceRegisteredAt !== null,
    pendingInstructions: sale.pendingInstructions,
    attention: summary.attention,
    returnsCount: doneReturns(sale).length,
    cancelledAt: cancelledAtSequra(sale)?.settledAt ?? (sale.step === 'cancelled' ? sale.finishedAt : null),
    operatorRef: sale.operatorRef,
  };
}

// ------------------------------------------------------------------------------------------------ CSV

/** Spanish Excel reads ';' as the list separator (',' is its decimal mark), so ';' opens cleanly there. */
export const CSV_SEPARATOR = ';';

/** The columns, in order (documented in docs/reports.md). */
export const CSV_COLUMNS = [
  'fecha',
  'hora',
  'tienda',
  'caja',
  'ticket',
  'uuid_sequra',
  'producto',
  'producto_nombre',
  'estado',
  'tipo_fila',
  'importe_financiado',
  'importe_reducido',
  'importe_vigente',
  'reducido_en_el_dia',
  'confirmada_en',
  'referencia_registrada',
  'pendientes_sequra',
  'atencion',
  'devoluciones',
  'cancelada_en',
  'operador',
  'formacion',
] as const;

const STATUS_WORDS: Record<SaleStatus, string> = {
  needs_attention: 'necesita_atencion',
  pending: 'pendiente',
  cancelled: 'cancelada',
  returned: 'devuelta',
  confirmed: 'confirmada',
  rejected: 'rechazada',
  in_progress: 'en_curso',
};

// Amounts as Spanish Excel types them: decimal comma, no thousands separator, no currency sign, so each
// cell is a number there. Integer cents until this point.
const amountFormat = new Intl.NumberFormat('es-ES', {
  minimumFractionDigits: 2,
  maximumFractionDigits: 2,
  useGrouping: false,
});
export function csvAmount(cents: Cents): string {
  return amountFormat.format(cents / 100);
}

function localDateTime(iso: string | null): string {
  return iso ? `${localIsoDate(iso)} ${localTime(iso)}` : '';
}

/**
 * One cell: quoted when it holds the separator, a quote or a line break (quotes doubled, RFC 4180), and with
 * a leading apostrophe when it starts like a formula, so text from a record (an operator name, SeQura's
 * message) is never run by the spreadsheet.
 */
export function csvCell(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[;"\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function reportCsv(report: DayReport): string {
  const lines = [CSV_COLUMNS.join(CSV_SEPARATOR)];
  for (const r of report.rows) {
    const cells = [
      localIsoDate(r.createdAt),
      localTime(r.createdAt),
      report.storeRef,
      report.tillId,
      r.ticketNumber ?? '',
      r.uuid ?? '',
      r.product ?? '',
      r.productTitle ?? '',
      STATUS_WORDS[r.status],
      r.kind === 'sale' ? 'venta' : 'posventa',
      csvAmount(r.financedCents),
      csvAmount(r.reducedCents),
      csvAmount(r.currentFinancedCents),
      csvAmount(r.reducedOnDayCents),
      localDateTime(r.confirmedAt),
      r.referenceRegistered ? 'si' : 'no',
      String(r.pendingInstructions),
      r.attention ?? '',
      String(r.returnsCount),
      localDateTime(r.cancelledAt),
      r.operatorRef,
      report.training ? 'si' : 'no',
    ];
    lines.push(cells.map(csvCell).join(CSV_SEPARATOR));
  }
  // A byte-order mark makes Excel read the file as UTF-8 (accents intact); CRLF is what it expects.
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}

export function csvFileName(report: DayReport): string {
  const safe = (text: string) => text.replace(/[^A-Za-z0-9_-]/g, '_');
  return `sequra-pos_${safe(report.storeRef)}_${safe(report.tillId)}_${report.date}${report.training ? '_formacion' : ''}.csv`;
}
