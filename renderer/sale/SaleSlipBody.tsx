import { cartTotals, lineTotalCents } from '../../shared/sale/cart.ts';
import type { SaleRecord } from '../../shared/sale/sale-record.ts';
import type { I18n } from '../i18n/i18n.tsx';

// What the shopper takes home and the store files, on the Done screen and on a history copy alike: where and
// when, who served her, what she bought and what was taken off, what SeQura finances and the plan in SeQura's
// own words (the product's title and description as SeQura listed them for this order), with her name masked.

/** "María José García López" → "María J. G. L.": enough to recognise the slip, not enough to read a name off it. */
export function maskShopperName(shopper: SaleRecord['shopper']): string {
  const [first = '', ...otherGiven] = shopper.givenNames.trim().split(/\s+/);
  const initials = [...otherGiven, shopper.firstSurname, shopper.secondSurname]
    .map((part) => part.trim())
    .filter((part) => part !== '')
    .map((part) => `${part[0]!.toUpperCase()}.`);
  return [first, ...initials].join(' ').trim() || '—';
}

export function SaleSlipBody({
  sale,
  slip,
  operatorName,
  headingId,
  extraRows = [],
}: {
  sale: SaleRecord;
  slip: I18n;
  /** The cashier's name when the till knows it (the signed-in operator who made the sale), else null. */
  operatorName: string | null;
  headingId: string;
  extraRows?: Array<[string, string, string]>;
}) {
  const { t, formatCents, formatDateTime } = slip;
  const totals = cartTotals(sale.cart);
  const date = sale.confirmation.confirmedAt ?? sale.finishedAt ?? sale.updatedAt;
  const option = sale.product
    ? sale.paymentOptions?.find(
        (o) => o.product === sale.product!.code && (o.campaign ?? null) === (sale.product!.campaign ?? null),
      )
    : undefined;
  const cashier = operatorName ? `${operatorName} (${sale.operatorRef})` : sale.operatorRef;
  const rows: Array<[string, string, string]> = [
    ['store', t('slip.store'), `${sale.storeRef} · ${t('slip.till')} ${sale.tillId}`],
    ['date', t('slip.date'), formatDateTime(date)],
    ['ticket', t('slip.ticket'), sale.ticketNumber ?? '—'],
    ['uuid', t('slip.orderUuid'), sale.solicitation?.uuid ?? '—'],
    ['operator', t('slip.operator'), cashier],
    ['shopper', t('slip.shopper'), maskShopperName(sale.shopper)],
  ];
  return (
    <>
      <h2 id={headingId}>{t('slip.heading')}</h2>
      <dl className="slip-facts">
        {rows.map(([id, label, value]) => (
          <div key={id} data-testid={`slip-${id}`}>
            <dt>{label}</dt>
            <dd>{value}</dd>
          </div>
        ))}
      </dl>
      <table className="slip-items" data-testid="slip-items">
        <caption>{t('slip.items')}</caption>
        <tbody>
          {sale.cart.lines.map((line) => (
            <tr key={line.id} data-testid="slip-item">
              <td>
                {line.quantity} × {line.name}
              </td>
              <td className="num">{formatCents(lineTotalCents(line))}</td>
            </tr>
          ))}
          {sale.cart.discounts.map((discount) => (
            <tr key={discount.id}>
              <td>{discount.name}</td>
              <td className="num">−{formatCents(discount.amountCents)}</td>
            </tr>
          ))}
          {sale.cart.tillPayments.map((payment) => (
            <tr key={payment.id}>
              <td>{t('slip.paidAtTill', { method: t(`cart.method.${payment.method}`) })}</td>
              <td className="num">−{formatCents(payment.amountCents)}</td>
            </tr>
          ))}
          <tr className="slip-total" data-testid="slip-amount">
            <th scope="row">{t('slip.amount')}</th>
            <td className="num">{formatCents(totals.financedCents)}</td>
          </tr>
        </tbody>
      </table>
      {extraRows.length > 0 && (
        <dl className="slip-facts">
          {extraRows.map(([id, label, value]) => (
            <div key={id} data-testid={`slip-${id}`}>
              <dt>{label}</dt>
              <dd>{value}</dd>
            </div>
          ))}
        </dl>
      )}
      <section className="slip-plan" data-testid="slip-plan" aria-label={t('slip.plan')}>
        <h3>{t('slip.plan')}</h3>
        <p className="slip-plan-title" data-testid="slip-product">
          {option?.title ?? sale.product?.title ?? '—'}
        </p>
        {option?.longTitle && option.longTitle !== option.title && <p translate="no">{option.longTitle}</p>}
        {option?.costDescription && <p>{t('slip.planCost', { cost: option.costDescription })}</p>}
      </section>
      <p className="slip-note">{t('slip.conditionsByEmail')}</p>
    </>
  );
}
