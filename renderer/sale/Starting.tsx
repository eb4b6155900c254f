import { useI18n } from '../i18n/i18n.tsx';
import { ErrorNotice } from './ErrorNotice.tsx';
import type { StepProps } from './step-props.ts';
import { StepFrame } from './StepFrame.tsx';

/** POST /orders is in flight: nothing for the cashier to do but wait a moment. */
export function Starting({ sale }: StepProps) {
  const { t } = useI18n();
  return (
    <StepFrame sale={sale} title={t('starting.title')}>
      <p className="big-status" data-testid="starting-info">
        <span className="spinner" aria-hidden="true" />
        {t('starting.body')}
      </p>
      <ErrorNotice error={sale.lastError} testId="sale-last-error" />
    </StepFrame>
  );
}
