import { maskMobile } from '../../shared/spain/mobile.ts';
import { useI18n } from '../i18n/i18n.tsx';
import { ErrorNotice } from './ErrorNotice.tsx';
import { CancelButton, RestartButton } from './SaleActions.tsx';
import { isSequraDown, unlessUnreachable, type StepProps } from './step-props.ts';
import { StepFrame } from './StepFrame.tsx';

/**
 * The SMS request is on its way. If SeQura cannot be reached, main keeps it and sends it by itself when
 * SeQura answers: the screen says so, so the cashier does not press anything twice.
 */
export function SendingSms({ sale, controller, status }: StepProps) {
  const { t } = useI18n();
  const waitingForSequra = isSequraDown(status) || sale.lastError !== null;
  return (
    <StepFrame sale={sale} title={t('sendingSms.title')} tone={waitingForSequra ? 'warn' : 'neutral'}>
      <p className="big-status" data-testid="sms-info">
        {!waitingForSequra && <span className="spinner" aria-hidden="true" />}
        {t('sendingSms.body', { mobile: maskMobile(sale.shopper.mobile), product: sale.product?.title ?? '' })}
      </p>
      {waitingForSequra && (
        <p className="notice notice-warn" data-testid="sending-sms-waiting">
          {t('sendingSms.waitingForSequra')}
        </p>
      )}
      <ErrorNotice error={controller.error ?? unlessUnreachable(sale.lastError)} />
      {waitingForSequra && (
        <div className="actions">
          <RestartButton controller={controller} />
          <CancelButton controller={controller} />
        </div>
      )}
    </StepFrame>
  );
}
