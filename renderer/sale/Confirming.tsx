import { ManagerPinForm } from '../admin/ManagerPinForm.tsx';
import { useI18n } from '../i18n/i18n.tsx';
import { ErrorNotice } from './ErrorNotice.tsx';
import { isSequraDown, unlessUnreachable, type StepProps } from './step-props.ts';
import { StepFrame } from './StepFrame.tsx';

/**
 * The confirmation is in the outbox: either on its way now, or queued because SeQura cannot be reached (it is
 * sent by itself, exactly once, when SeQura answers), or given up (no answer before the give-up horizon: the
 * sale needs attention, and nothing is being sent until someone retries). Until SeQura has said yes the goods
 * stay in the store, unless a manager released them (store policy, recorded in the sale).
 */
export function Confirming({ sale, controller, status }: StepProps) {
  const { t } = useI18n();
  // The attention notice above says why and what to do; this step must not claim the till is still at it.
  const stopped = sale.needsAttention !== null;
  const queued = !stopped && (isSequraDown(status) || sale.lastError !== null);
  const released = sale.confirmation.goodsReleasedBy;
  return (
    <StepFrame
      sale={sale}
      title={stopped ? t('confirming.stoppedTitle') : queued ? t('confirming.queuedTitle') : t('confirming.title')}
      tone={stopped ? 'danger' : queued ? 'warn' : 'neutral'}
    >
      {stopped ? (
        <p className="big-status" data-testid="confirming-stopped">
          {t('confirming.stoppedBody')}
        </p>
      ) : (
        <p className="big-status" data-testid="confirming-info" data-queued={queued ? 'true' : 'false'}>
          {!queued && <span className="spinner" aria-hidden="true" />}
          {queued ? t('confirming.queuedBody') : t('confirming.body')}
        </p>
      )}
      {released ? (
        <p className="notice notice-ok" data-testid="goods-released">
          {t('confirming.goodsReleased', { who: released })}
        </p>
      ) : (
        <>
          <p className="notice notice-warn" data-testid="goods-hold">
            {t('confirming.goodsHold')}
          </p>
          {status?.policy?.offlineGoodsRelease === 'manager_pin' && (
            <ManagerPinForm
              id="release-goods"
              title={t('confirming.releaseTitle')}
              body={t('confirming.releaseBody')}
              submitLabel={t('confirming.releaseSubmit')}
              autoFocus={false}
              onSubmit={(managerPin) => controller.pos.sale.releaseGoods({ saleId: sale.id, managerPin })}
            />
          )}
        </>
      )}
      <ErrorNotice error={controller.error ?? unlessUnreachable(sale.lastError)} />
      {(queued || stopped) && (
        <>
          <div className="actions">
            <button
              type="button"
              className="button primary"
              onClick={() => void controller.retryPendingNow()}
              disabled={controller.busy !== null}
              data-testid="confirming-retry-now"
              data-autofocus=""
            >
              {controller.busy === 'retryNow' ? t('sale.working') : t('pending.retryNow')}
            </button>
            <button
              type="button"
              className="button secondary"
              onClick={() => void controller.newSale()}
              disabled={controller.busy !== null}
              data-testid="sale-next-shopper"
            >
              {controller.busy === 'newSale' ? t('sale.working') : t('sale.nextShopper')}
            </button>
          </div>
          <p className="field-hint">
            {stopped ? t('confirming.stoppedNextShopperHint') : t('confirming.nextShopperHint')}
          </p>
        </>
      )}
    </StepFrame>
  );
}
