import { useState } from 'react';
import { useI18n } from '../i18n/i18n.tsx';
import { ErrorNotice } from './ErrorNotice.tsx';
import { CancelButton, RestartButton } from './SaleActions.tsx';
import { unlessUnreachable, type StepProps } from './step-props.ts';
import { StepFrame } from './StepFrame.tsx';

/**
 * The cashier pressed "send" while SeQura was unreachable. Main starts the sale by itself when SeQura answers
 * again; the cashier only needs to know that, and may ask for a check now instead of waiting for the probe.
 */
export function StartQueued({ sale, controller, status }: StepProps) {
  const { t, formatTime } = useI18n();
  const [checking, setChecking] = useState(false);
  const since = status?.connectivity.since ?? null;
  const checkNow = async () => {
    setChecking(true);
    try {
      await controller.pos.connectivity.checkNow({});
    } finally {
      setChecking(false);
    }
  };
  return (
    <StepFrame sale={sale} title={t('startQueued.title')} tone="warn">
      <p className="lead" data-testid="start-queued-info">
        {t('startQueued.body')}
      </p>
      {since && <p className="field-hint">{t('startQueued.since', { time: formatTime(since) })}</p>}
      <ErrorNotice error={controller.error ?? unlessUnreachable(sale.lastError)} />
      <div className="actions">
        <button
          type="button"
          className="button primary"
          onClick={() => void checkNow()}
          disabled={checking}
          data-testid="start-queued-check"
          data-autofocus=""
        >
          {checking ? t('sale.working') : t('startQueued.checkNow')}
        </button>
        <RestartButton controller={controller} />
        <CancelButton controller={controller} />
      </div>
    </StepFrame>
  );
}
