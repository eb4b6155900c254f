import { useI18n } from '../i18n/i18n.tsx';
import { ErrorNotice } from './ErrorNotice.tsx';
import { CancelButton, RestartButton } from './SaleActions.tsx';
import type { StepProps } from './step-props.ts';
import { StepFrame } from './StepFrame.tsx';

/**
 * POST /orders went out and its answer was lost. No SMS was sent for it, so trying again is safe: main makes
 * a fresh solicitation and the lost one expires unconfirmed.
 */
export function StartUncertain({ sale, controller }: StepProps) {
  const { t } = useI18n();
  return (
    <StepFrame sale={sale} title={t('startUncertain.title')} tone="warn">
      <p className="lead" data-testid="start-uncertain-info">
        {t('startUncertain.body')}
      </p>
      {/* The lost answer itself is what the text above explains; only another problem is worth a notice. */}
      <ErrorNotice
        error={controller.error ?? (sale.lastError?.code === 'sequra_unknown_outcome' ? null : sale.lastError)}
      />
      <div className="actions">
        <button
          type="button"
          className="button primary"
          onClick={() => void controller.start()}
          disabled={controller.busy !== null}
          data-testid="start-retry"
        >
          {controller.busy === 'start' ? t('sale.working') : t('startUncertain.retry')}
        </button>
        <RestartButton controller={controller} />
        <CancelButton controller={controller} />
      </div>
    </StepFrame>
  );
}
