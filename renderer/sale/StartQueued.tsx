import { useState } from 'react';
import { useI18n } from '../i18n/i18n.tsx';
import { ErrorNotice } from './ErrorNotice.tsx';
import { CancelButton, RestartButton } from './SaleActions.tsx';
import { unlessUnreachable, type StepProps } from './step-props.ts';
import { StepFrame } from './StepFrame.tsx';
import { WaitUntilNotice, useWaitUntil } from './WaitUntil.tsx';

/**
 * The cashier pressed "send" while SeQura was unreachable (or SeQura said "not now"). Main starts the sale by
 * itself once when SeQura answers again (not before its Retry-After); the cashier only needs to know that, and
 * may ask for a check now instead of waiting for the probe. Once that one automatic try is used, sending again
 * is the cashier's press.
 */
export function StartQueued({ sale, controller, status }: StepProps) {
  const { t, formatTime } = useI18n();
  const [checking, setChecking] = useState(false);
  const since = status?.connectivity.since ?? null;
  const waitUntil = useWaitUntil(sale.waitUntil);
  const manual = sale.autoRetries > 0;
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
        {t(manual ? 'startQueued.bodyManual' : 'startQueued.body')}
      </p>
      {since && <p className="field-hint">{t('startQueued.since', { time: formatTime(since) })}</p>}
      <WaitUntilNotice until={waitUntil} />
      <ErrorNotice error={controller.error ?? unlessUnreachable(sale.lastError)} />
      <div className="actions">
        {manual ? (
          <button
            type="button"
            className="button primary"
            onClick={() => void controller.start()}
            disabled={controller.busy !== null || waitUntil !== null}
            aria-describedby={waitUntil ? 'sale-wait-until' : undefined}
            data-testid="start-queued-send"
            data-autofocus=""
          >
            {controller.busy === 'start' ? t('sale.working') : t('startQueued.sendNow')}
          </button>
        ) : (
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
        )}
        <RestartButton controller={controller} />
        <CancelButton controller={controller} />
      </div>
    </StepFrame>
  );
}
