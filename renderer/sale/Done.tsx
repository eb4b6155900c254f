import { NewSaleButton } from './SaleActions.tsx';
import { cartTotals } from '../../shared/sale/cart.ts';
import { useI18n } from '../i18n/i18n.tsx';
import { ErrorNotice } from './ErrorNotice.tsx';
import type { StepProps } from './step-props.ts';
import { StepFrame } from './StepFrame.tsx';
import { SlipLanguagePicker, useSlipLanguage } from './SlipLanguage.tsx';

// The sale is confirmed and handed over. The slip is what the shopper takes home and what the store files:
// it names the sale the way SeQura and the till will both find it again (ticket number, SeQura order uuid).
// Printing uses the page's own print (Electron and the preview host alike) with print CSS that shows the
// slip alone.
export function Done({ sale, controller }: StepProps) {
  const { t } = useI18n();
  // The slip speaks the shopper's language, whatever the till's.
  const { language: slipLanguage, slip, choose } = useSlipLanguage(sale.id);
  const { formatCents, formatDateTime } = slip;
  const financed = cartTotals(sale.cart).financedCents;
  const date = sale.confirmation.confirmedAt ?? sale.finishedAt ?? sale.updatedAt;
  const rows: Array<[string, string, string]> = [
    ['store', slip.t('slip.store'), sale.storeRef],
    ['till', slip.t('slip.till'), sale.tillId],
    ['operator', slip.t('slip.operator'), sale.operatorRef],
    ['ticket', slip.t('slip.ticket'), sale.ticketNumber ?? '—'],
    ['uuid', slip.t('slip.orderUuid'), sale.solicitation?.uuid ?? '—'],
    ['product', slip.t('slip.product'), sale.product?.title ?? '—'],
    ['amount', slip.t('slip.amount'), formatCents(financed)],
    ['date', slip.t('slip.date'), formatDateTime(date)],
  ];
  return (
    <StepFrame sale={sale} title={t('done.title')} tone="ok" showSummary={false}>
      <p className="lead ok">{t('done.body')}</p>
      <SlipLanguagePicker value={slipLanguage} onChange={choose} />
      <article
        className={`slip${sale.training ? ' is-training' : ''}`}
        data-testid="slip"
        aria-labelledby="slip-heading"
        lang={slipLanguage}
      >
        {sale.training && (
          <p className="slip-training" data-testid="slip-training">
            {slip.t('slip.training')}
          </p>
        )}
        <h2 id="slip-heading">{slip.t('slip.heading')}</h2>
        <dl>
          {rows.map(([id, label, value]) => (
            <div key={id} data-testid={`slip-${id}`}>
              <dt>{label}</dt>
              <dd>{value}</dd>
            </div>
          ))}
        </dl>
        <p className="slip-note">{slip.t('slip.conditionsByEmail')}</p>
        {sale.training && <p className="slip-training">{slip.t('slip.training')}</p>}
      </article>
      <ErrorNotice error={controller.error} />
      <div className="actions no-print">
        {/* The slip is what the shopper waits for: Enter prints it; "New sale" is one Tab away. */}
        <button
          type="button"
          className="button primary"
          onClick={() => window.print()}
          data-testid="slip-print"
          data-autofocus=""
        >
          {t('done.print')}
        </button>
        <NewSaleButton controller={controller} autoFocus={false} />
      </div>
    </StepFrame>
  );
}
