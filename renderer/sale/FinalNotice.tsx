import { NewSaleButton } from './SaleActions.tsx';
import { useI18n } from '../i18n/i18n.tsx';
import { ErrorNotice } from './ErrorNotice.tsx';
import type { StepProps } from './step-props.ts';
import { StepFrame } from './StepFrame.tsx';

/** The end of a sale that did not happen: rejected (offer another payment method) or cancelled. */
export function FinalNotice({ sale, controller }: StepProps) {
  const { t } = useI18n();
  const rejected = sale.step === 'rejected';
  return (
    <StepFrame
      sale={sale}
      title={rejected ? t('final.rejectedTitle') : t('final.cancelledTitle')}
      tone={rejected ? 'danger' : 'neutral'}
    >
      <p className="lead" data-testid="final-info">
        {rejected ? t('final.rejectedBody') : t('final.cancelledBody')}
      </p>
      {/* Nothing reaches SeQura on a cancel before confirmation: the shopper's link may still open. */}
      {!rejected && sale.sms.sentCount > 0 && <p data-testid="final-sms-note">{t('final.cancelledSmsNote')}</p>}
      <ErrorNotice error={controller.error} />
      <div className="actions">
        <NewSaleButton controller={controller} />
      </div>
    </StepFrame>
  );
}
