import { NewSaleButton } from './SaleActions.tsx';
import { useI18n } from '../i18n/i18n.tsx';
import { ErrorNotice } from './ErrorNotice.tsx';
import { isSequraDown, unlessUnreachable, type StepProps } from './step-props.ts';
import { StepFrame } from './StepFrame.tsx';

/**
 * SeQura confirmed the sale: the goods can go. The till now tells SeQura they left the store (SeQura pays the
 * store and starts the shopper's plan only after that); it is in the outbox and needs nothing from the cashier.
 */
export function HandingOver({ sale, controller, status }: StepProps) {
  const { t } = useI18n();
  const queued = isSequraDown(status) || sale.lastError !== null;
  return (
    <StepFrame sale={sale} title={t('handingOver.title')} tone="ok">
      <p className="big-status ok" data-testid="handing-over-info" data-queued={queued ? 'true' : 'false'}>
        {t('handingOver.body')}
      </p>
      <p className={queued ? 'notice notice-warn' : 'field-hint'}>
        {queued ? t('handingOver.queued') : t('handingOver.inFlight')}
      </p>
      <ErrorNotice error={controller.error ?? unlessUnreachable(sale.lastError)} />
      {queued && (
        <>
          <div className="actions">
            {/* The handover notice needs nothing from the cashier: the next shopper is the obvious next thing. */}
            <NewSaleButton controller={controller} />
            <button
              type="button"
              className="button secondary"
              onClick={() => void controller.retryPendingNow()}
              disabled={controller.busy !== null}
              data-testid="handing-over-retry-now"
            >
              {controller.busy === 'retryNow' ? t('sale.working') : t('pending.retryNow')}
            </button>
          </div>
          <p className="field-hint">{t('handingOver.nextShopperHint')}</p>
        </>
      )}
    </StepFrame>
  );
}
