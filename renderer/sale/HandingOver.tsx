import { NewSaleButton } from './SaleActions.tsx';
import { useI18n } from '../i18n/i18n.tsx';
import { ErrorNotice } from './ErrorNotice.tsx';
import { isSequraDown, unlessUnreachable, type StepProps } from './step-props.ts';
import { StepFrame } from './StepFrame.tsx';

/**
 * SeQura confirmed the sale: the goods can go. The till now tells SeQura they left the store (SeQura pays the
 * store and starts the shopper's plan only after that); it is in the outbox and needs nothing from the cashier —
 * unless SeQura refused it or never answered before the give-up horizon: then the sale needs attention (the
 * notice above says why and what to do) and this step must not claim the notice is still on its way.
 */
export function HandingOver({ sale, controller, status }: StepProps) {
  const { t } = useI18n();
  const stopped = sale.needsAttention !== null;
  const queued = !stopped && (isSequraDown(status) || sale.lastError !== null);
  // A refusal is SeQura's answer: sending the same notice again would only be refused again.
  const mayRetry = !stopped || sale.needsAttention?.code !== 'handover_refused';
  return (
    <StepFrame sale={sale} title={t('handingOver.title')} tone="ok">
      <p className="big-status ok" data-testid="handing-over-info" data-queued={queued ? 'true' : 'false'}>
        {t('handingOver.body')}
      </p>
      {!stopped && (
        <p className={queued ? 'notice notice-warn' : 'field-hint'}>
          {queued ? t('handingOver.queued') : t('handingOver.inFlight')}
        </p>
      )}
      <ErrorNotice error={controller.error ?? unlessUnreachable(sale.lastError)} />
      {(queued || stopped) && (
        <>
          <div className="actions">
            {/* The handover notice needs nothing from the cashier: the next shopper is the obvious next thing. */}
            <NewSaleButton controller={controller} />
            {mayRetry && (
              <button
                type="button"
                className="button secondary"
                onClick={() => void controller.retryPendingNow()}
                disabled={controller.busy !== null}
                data-testid="handing-over-retry-now"
              >
                {controller.busy === 'retryNow' ? t('sale.working') : t('pending.retryNow')}
              </button>
            )}
          </div>
          <p className="field-hint">
            {stopped ? t('handingOver.stoppedNextShopperHint') : t('handingOver.nextShopperHint')}
          </p>
        </>
      )}
    </StepFrame>
  );
}
