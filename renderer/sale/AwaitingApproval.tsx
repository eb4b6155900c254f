import { maskMobile } from '../../shared/spain/mobile.ts';
import { useI18n } from '../i18n/i18n.tsx';
import { formatDuration, secondsBetween } from './dates.ts';
import { ErrorNotice } from './ErrorNotice.tsx';
import { CancelButton, RejectedButton, RestartButton } from './SaleActions.tsx';
import type { StepProps } from './step-props.ts';
import { StepFrame } from './StepFrame.tsx';
import { useNow } from './useNow.ts';
import { WaitUntilNotice, useWaitUntil } from './WaitUntil.tsx';

// The SMS is out; the shopper fills SeQura's form on her phone. The till is never told (no inbound port),
// so the cashier looks at the phone: when it says approved, she confirms. Pressing confirm too early is
// harmless: SeQura answers "not approved yet" and the next screen says to check again in a moment.

/** Our own pause between resends, so an impatient double press does not burn SeQura's per-order limit. */
export const RESEND_COOLDOWN_SECONDS = 30;

export function AwaitingApproval({ sale, controller, status }: StepProps) {
  const { t, formatTime } = useI18n();
  const now = useNow(1000);
  const { sms } = sale;
  const mobile = maskMobile(sale.shopper.mobile);
  const elapsed = sms.lastSentAt ? secondsBetween(sms.lastSentAt, now) : null;
  const cooldownLeft = elapsed === null ? 0 : Math.max(0, RESEND_COOLDOWN_SECONDS - elapsed);
  const blockedUntil = sms.blockedUntil && new Date(sms.blockedUntil) > now ? sms.blockedUntil : null;
  const waitUntil = useWaitUntil(sale.waitUntil);
  const canResend = controller.busy === null && cooldownLeft === 0 && !blockedUntil && !waitUntil;
  const phoneUrl =
    status?.trainingPhoneBaseUrl && sale.solicitation
      ? `${status.trainingPhoneBaseUrl}${sale.solicitation.uuid}`
      : null;

  const resendLabel =
    controller.busy === 'resendSms'
      ? t('sale.working')
      : cooldownLeft > 0
        ? t('approval.resendIn', { seconds: cooldownLeft })
        : t('approval.resend');

  return (
    <StepFrame sale={sale} title={t('approval.title')}>
      <div className="sms-banner" data-testid="sms-info">
        <p className="sms-sent">
          {sms.lastSentAt
            ? t('approval.smsSentAt', { mobile, time: formatTime(sms.lastSentAt) })
            : t('approval.smsSent', { mobile })}
        </p>
        {elapsed !== null && (
          <p className="sms-elapsed">
            {t('approval.elapsed')}{' '}
            <span className="timer" data-testid="sms-elapsed">
              {formatDuration(elapsed)}
            </span>
          </p>
        )}
        {sale.product && <p className="sms-product">{t('approval.product', { product: sale.product.title })}</p>}
        {sms.sentCount > 1 && <p className="field-hint">{t('approval.sentCount', { count: sms.sentCount })}</p>}
      </div>

      {sms.uncertain && (
        <p className="notice notice-warn" data-testid="sms-uncertain">
          {t('approval.smsUncertain')}
        </p>
      )}

      <div className="two-columns">
        <section aria-labelledby="approval-shopper-heading">
          <h2 id="approval-shopper-heading">{t('approval.tellShopper')}</h2>
          <ol className="instructions">
            <li>{t('approval.shopperStep1')}</li>
            <li>{t('approval.shopperStep2')}</li>
            <li>{t('approval.shopperStep3')}</li>
          </ol>
        </section>
        <section aria-labelledby="approval-cashier-heading">
          <h2 id="approval-cashier-heading">{t('approval.cashierCheck')}</h2>
          <p>{t('approval.cashierCheckBody')}</p>
          {phoneUrl && (
            <p className="training-phone" data-testid="training-phone-link">
              {t('approval.trainingPhone')}{' '}
              <a href={phoneUrl} target="_blank" rel="noreferrer">
                {phoneUrl}
              </a>
            </p>
          )}
        </section>
      </div>

      <ErrorNotice error={controller.error ?? sale.lastError} />
      <div className="actions">
        <button
          type="button"
          className="button primary"
          onClick={() => void controller.confirm()}
          disabled={controller.busy !== null}
          data-testid="approval-confirm"
          data-autofocus=""
        >
          {controller.busy === 'confirm' ? t('sale.working') : t('approval.confirm')}
        </button>
        <RejectedButton controller={controller} />
        <button
          type="button"
          className="button secondary"
          onClick={() => void controller.resendSms()}
          disabled={!canResend}
          aria-describedby={blockedUntil ? 'resend-blocked' : undefined}
          data-testid="approval-resend"
        >
          {resendLabel}
        </button>
        <RestartButton controller={controller} />
        <CancelButton controller={controller} />
      </div>
      {!blockedUntil && <WaitUntilNotice until={waitUntil} />}
      {blockedUntil && (
        <p className="notice notice-warn" id="resend-blocked" data-testid="sms-blocked">
          {t('approval.resendBlocked', { time: formatTime(blockedUntil) })}
        </p>
      )}

      <details className="help" data-testid="sms-help">
        <summary>{t('approval.noSms')}</summary>
        <ol>
          <li>{t('approval.noSms1', { mobile })}</li>
          <li>{t('approval.noSms2')}</li>
          <li>{t('approval.noSms3')}</li>
          <li>{t('approval.noSms4')}</li>
        </ol>
      </details>
    </StepFrame>
  );
}
