import { useI18n } from '../i18n/i18n.tsx';
import { ConfirmButton } from './ConfirmButton.tsx';
import type { SaleController } from './useSale.ts';

// The two ways out of a started sale, worded the same on every step: "change the purchase" (abandon this
// solicitation and go back to an editable draft with everything carried over) and "cancel the sale".
// Both ask first, and say what really happens: SeQura has no cancel before confirmation, so nothing is sent
// to it; the shopper's SMS link keeps opening until the solicitation expires, but the till never confirms it,
// so she is never charged. The wording depends on whether an SMS went out at all.

const smsWasSent = (controller: SaleController) => (controller.sale?.sms.sentCount ?? 0) > 0;

export function RestartButton({
  controller,
  className = 'button secondary',
}: {
  controller: SaleController;
  className?: string;
}) {
  const { t } = useI18n();
  return (
    <ConfirmButton
      label={controller.busy === 'restart' ? t('sale.working') : t('sale.restart')}
      question={t('sale.restartQuestion')}
      detail={smsWasSent(controller) ? t('sale.restartDetailSmsSent') : t('sale.restartDetail')}
      confirmLabel={t('sale.restartYes')}
      onConfirm={() => void controller.restart()}
      className={className}
      disabled={controller.busy !== null}
      testId="sale-restart"
    />
  );
}

export function CancelButton({
  controller,
  className = 'button danger',
}: {
  controller: SaleController;
  className?: string;
}) {
  const { t } = useI18n();
  return (
    <ConfirmButton
      label={controller.busy === 'cancel' ? t('sale.working') : t('sale.cancel')}
      question={t('sale.cancelQuestion')}
      detail={smsWasSent(controller) ? t('sale.cancelDetailSmsSent') : t('sale.cancelDetail')}
      confirmLabel={t('sale.cancelYes')}
      onConfirm={() => void controller.cancel()}
      className={className}
      disabled={controller.busy !== null}
      testId="sale-cancel"
    />
  );
}

export function RejectedButton({
  controller,
  className = 'button secondary',
}: {
  controller: SaleController;
  className?: string;
}) {
  const { t } = useI18n();
  return (
    <ConfirmButton
      label={controller.busy === 'markRejected' ? t('sale.working') : t('sale.markRejected')}
      question={t('sale.markRejectedQuestion')}
      detail={t('sale.markRejectedDetail')}
      confirmLabel={t('sale.markRejectedYes')}
      onConfirm={() => void controller.markRejected()}
      className={className}
      disabled={controller.busy !== null}
      testId="sale-mark-rejected"
    />
  );
}

/**
 * "Nueva venta": the primary way out of a finished (or handed-over-in-the-background) sale. It takes the focus
 * unless the screen has a better first thing to do (the slip's "Print").
 */
export function NewSaleButton({
  controller,
  autoFocus = true,
  className = 'button primary',
}: {
  controller: SaleController;
  autoFocus?: boolean;
  className?: string;
}) {
  const { t } = useI18n();
  return (
    <button
      type="button"
      className={className}
      onClick={() => void controller.newSale()}
      disabled={controller.busy !== null}
      data-testid="sale-new"
      data-autofocus={autoFocus ? '' : undefined}
    >
      {controller.busy === 'newSale' ? t('sale.working') : t('sale.new')}
    </button>
  );
}
