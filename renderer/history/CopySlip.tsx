import type { SaleCancellation, SaleReturn } from '../../shared/sale/after-sale-record.ts';
import { cartTotals } from '../../shared/sale/cart.ts';
import type { SaleRecord } from '../../shared/sale/sale-record.ts';
import { SaleSlipBody } from '../sale/SaleSlipBody.tsx';
import { SlipLanguagePicker, useSlipLanguage } from '../sale/SlipLanguage.tsx';
import { operatorLabel } from './parts.tsx';

// A slip printed again from the history: the sale's own slip, a return's or the cancellation's, always marked
// COPY at the top and bottom so it can never pass for the original. It uses the sale slip's classes and
// wording (renderer/sale/Done.tsx) so both print the same way (print CSS shows `.slip` alone).

export type SlipChoice = { kind: 'sale' } | { kind: 'return'; returnId: string } | { kind: 'cancellation' };

export function CopySlip({
  sale,
  choice,
  currentFinancedCents,
  operatorNames,
}: {
  sale: SaleRecord;
  choice: SlipChoice;
  currentFinancedCents: number;
  /** Operator ref → name (from the sale's page): the copy names the cashier as the original slip did. */
  operatorNames: Record<string, string>;
}) {
  // In the shopper's language, as the original slip (the cashier can pick another for this copy).
  const { language: slipLanguage, slip, choose } = useSlipLanguage(sale.id);
  const { t, formatCents, formatDateTime } = slip;
  const common: Array<[string, string, string]> = [
    ['store', t('slip.store'), sale.storeRef],
    ['till', t('slip.till'), sale.tillId],
    ['ticket', t('slip.ticket'), sale.ticketNumber ?? '—'],
    ['uuid', t('slip.orderUuid'), sale.solicitation?.uuid ?? '—'],
  ];
  if (choice.kind === 'sale') {
    // The sale's own slip, exactly as the Done screen printed it (items, plan), between two COPIA marks.
    const financed = cartTotals(sale.cart).financedCents;
    const current: Array<[string, string, string]> =
      currentFinancedCents !== financed
        ? [['current', t('detail.currentFinanced'), formatCents(currentFinancedCents)]]
        : [];
    return (
      <>
        <SlipLanguagePicker value={slipLanguage} onChange={choose} />
        <article
          className={`slip copy-slip${sale.training ? ' is-training' : ''}`}
          data-testid="copy-slip"
          data-slip="sale"
          aria-labelledby="copy-slip-heading"
          lang={slipLanguage}
        >
          <p className="slip-copy" data-testid="slip-copy">
            {t('afterSlip.copy')}
          </p>
          {sale.training && <p className="slip-training">{t('slip.training')}</p>}
          <SaleSlipBody
            sale={sale}
            slip={slip}
            operatorName={operatorNames[sale.operatorRef] ?? null}
            headingId="copy-slip-heading"
            extraRows={current}
          />
          <p className="slip-copy">{t('afterSlip.copy')}</p>
        </article>
      </>
    );
  }

  let heading: string;
  let rows: Array<[string, string, string]>;
  let lists: Array<{ id: string; label: string; items: string[] }> = [];
  let note: string;

  if (choice.kind === 'return') {
    const ret: SaleReturn | undefined = sale.returns.find((r) => r.id === choice.returnId);
    if (!ret) return null;
    const names = new Map(sale.cart.lines.map((line) => [line.id, line.name]));
    heading = t('afterSlip.returnHeading');
    rows = [
      ...common,
      ['return', t('afterSlip.returnId'), ret.id],
      ['date', t('slip.date'), formatDateTime(ret.requestedAt)],
      ['authorized', t('afterSlip.authorizedBy'), operatorLabel(ret.authorizedBy, operatorNames)],
      ['before', t('afterSlip.financedBefore'), formatCents(ret.financedBeforeCents)],
      ['after', t('afterSlip.financedAfter'), formatCents(ret.financedAfterCents)],
      ['state', t('afterSlip.state'), t(`updateState.${ret.state}`)],
    ];
    lists = [
      {
        id: 'items',
        label: t('afterSlip.returnedItems'),
        items: ret.lines.map((l) =>
          t('detail.returnLine', { quantity: l.quantity, name: names.get(l.lineId) ?? l.lineId }),
        ),
      },
      {
        id: 'refunds',
        label: t('afterSlip.refunds'),
        items: ret.refunds.map((r) =>
          t('detail.refundLine', { amount: formatCents(r.amountCents), reason: r.reason ? ` · ${r.reason}` : '' }),
        ),
      },
    ].filter((list) => list.items.length > 0);
    note = t('afterSlip.returnNote');
  } else {
    const cancellation: SaleCancellation | undefined = (sale.postSale?.cancellations ?? []).at(-1);
    if (!cancellation) return null;
    heading = t('afterSlip.cancellationHeading');
    rows = [
      ...common,
      ['date', t('slip.date'), formatDateTime(cancellation.requestedAt)],
      ['authorized', t('afterSlip.authorizedBy'), operatorLabel(cancellation.authorizedBy, operatorNames)],
      ['amount', t('afterSlip.cancelledAmount'), formatCents(cancellation.financedBeforeCents)],
      ['state', t('afterSlip.state'), t(`updateState.${cancellation.state}`)],
    ];
    note = t('afterSlip.cancellationNote');
  }

  return (
    <>
      <SlipLanguagePicker value={slipLanguage} onChange={choose} />
      <article
        className={`slip copy-slip${sale.training ? ' is-training' : ''}`}
        data-testid="copy-slip"
        data-slip={choice.kind}
        aria-labelledby="copy-slip-heading"
        lang={slipLanguage}
      >
        <p className="slip-copy" data-testid="slip-copy">
          {t('afterSlip.copy')}
        </p>
        {sale.training && <p className="slip-training">{t('slip.training')}</p>}
        <h2 id="copy-slip-heading">{heading}</h2>
        <dl>
          {rows.map(([id, label, value]) => (
            <div key={id} data-testid={`copy-slip-${id}`}>
              <dt>{label}</dt>
              <dd>{value}</dd>
            </div>
          ))}
        </dl>
        {lists.map((list) => (
          <div key={list.id} className="slip-list" data-testid={`copy-slip-${list.id}`}>
            <h3>{list.label}</h3>
            <ul>
              {list.items.map((item, index) => (
                <li key={index}>{item}</li>
              ))}
            </ul>
          </div>
        ))}
        <p className="slip-note">{note}</p>
        <p className="slip-copy">{t('afterSlip.copy')}</p>
      </article>
    </>
  );
}
