import type { ReactNode } from 'react';
import type { SaleRecord, SaleStep } from '../../shared/sale/sale-record.ts';
import { cartTotals } from '../../shared/sale/cart.ts';
import { maskMobile } from '../../shared/spain/mobile.ts';
import { useI18n } from '../i18n/i18n.tsx';

// The frame every step is drawn in: where the sale is in the flow, the step's title, and (once the cart is
// locked) the facts the cashier may be asked about: amount, the mobile the SMS goes to, the ticket number.

const PROGRESS = ['cart', 'shopper', 'product', 'approval', 'done'] as const;
type ProgressStage = (typeof PROGRESS)[number];

function progressStage(sale: SaleRecord): ProgressStage {
  const byStep: Record<SaleStep, ProgressStage> = {
    draft: sale.draftStage === 'cart' ? 'cart' : 'shopper',
    start_queued: 'shopper',
    starting: 'shopper',
    start_uncertain: 'shopper',
    choose_product: 'product',
    sending_sms: 'product',
    awaiting_approval: 'approval',
    confirming: 'approval',
    confirm_refused: 'approval',
    handing_over: 'done',
    done: 'done',
    rejected: 'done',
    cancelled: 'done',
  };
  return byStep[sale.step];
}

export function StepFrame({
  sale,
  title,
  tone = 'neutral',
  showSummary = true,
  children,
}: {
  sale: SaleRecord;
  title: string;
  tone?: 'neutral' | 'ok' | 'warn' | 'danger';
  showSummary?: boolean;
  children: ReactNode;
}) {
  const { t, formatCents } = useI18n();
  const current = progressStage(sale);
  const currentIndex = PROGRESS.indexOf(current);
  const financed = cartTotals(sale.cart).financedCents;
  return (
    <section
      className={`panel sale-step tone-${tone}`}
      data-testid="sale-step"
      data-step={sale.step}
      data-stage={sale.step === 'draft' ? sale.draftStage : undefined}
      aria-labelledby="sale-step-heading"
    >
      {/* A sale that did not happen has no "where are we" to show. */}
      {sale.step !== 'rejected' && sale.step !== 'cancelled' && (
        <ol className="progress" aria-label={t('sale.progress.label')}>
          {PROGRESS.map((stage, index) => (
            <li
              key={stage}
              className={index < currentIndex ? 'is-past' : index === currentIndex ? 'is-current' : ''}
              aria-current={stage === current ? 'step' : undefined}
            >
              <span className="progress-number" aria-hidden="true">
                {index + 1}
              </span>
              {t(`sale.progress.${stage}`)}
            </li>
          ))}
        </ol>
      )}
      <div className="step-header">
        <h1 id="sale-step-heading" tabIndex={-1}>
          {title}
        </h1>
        {showSummary && (
          <dl className="sale-summary" data-testid="sale-summary">
            <div>
              <dt>{t('sale.summary.financed')}</dt>
              <dd data-testid="sale-summary-amount">{formatCents(financed)}</dd>
            </div>
            {sale.shopper.mobile !== '' && (
              <div>
                <dt>{t('sale.summary.mobile')}</dt>
                <dd>{maskMobile(sale.shopper.mobile)}</dd>
              </div>
            )}
            {sale.ticketNumber && (
              <div>
                <dt>{t('sale.summary.ticket')}</dt>
                <dd data-testid="sale-summary-ticket">{sale.ticketNumber}</dd>
              </div>
            )}
          </dl>
        )}
      </div>
      {children}
    </section>
  );
}
