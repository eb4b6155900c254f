import { maskMobile } from '../../shared/spain/mobile.ts';
import { useI18n } from '../i18n/i18n.tsx';
import { ErrorNotice } from './ErrorNotice.tsx';
import { CancelButton, RejectedButton, RestartButton } from './SaleActions.tsx';
import { ResendBlockedNotice, ResendButton, SmsBanner, useSmsTiming } from './SmsStatus.tsx';
import type { StepProps } from './step-props.ts';
import { StepFrame } from './StepFrame.tsx';

// The SMS is out; the shopper fills SeQura's form on her phone. The till is never told (no inbound port),
// so the cashier looks at the phone: when it says approved, she confirms. Pressing confirm too early is
// harmless: SeQura answers "not approved yet" and the next screen says to check again in a moment.
// Focus starts on the heading, not on "confirm": an Enter carried over from the product screen must not
// confirm (SaleScreen also ignores presses in the first moments after a step change).

export function AwaitingApproval({ sale, controller, status }: StepProps) {
  const { t } = useI18n();
  const timing = useSmsTiming(sale);
  const mobile = maskMobile(sale.shopper.mobile);
  const phoneUrl =
    status?.trainingPhoneBaseUrl && sale.solicitation
      ? `${status.trainingPhoneBaseUrl}${sale.solicitation.uuid}`
      : null;
  // SeQura's SMS limit is explained by its own notice next to the disabled resend button; repeating it as a
  // red "try again" would contradict that button.
  const error = controller.error ?? sale.lastError;
  const shownError = timing.blockedUntil && error?.code === 'sequra_rate_limited' ? null : error;

  return (
    <StepFrame sale={sale} title={t('approval.title')}>
      <SmsBanner sale={sale} timing={timing} />
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

      <ErrorNotice error={shownError} />
      <div className="actions">
        <button
          type="button"
          className="button primary"
          onClick={() => void controller.confirm()}
          disabled={controller.busy !== null}
          data-testid="approval-confirm"
        >
          {controller.busy === 'confirm' ? t('sale.working') : t('approval.confirm')}
        </button>
        <RejectedButton controller={controller} />
        <ResendButton controller={controller} timing={timing} />
        <RestartButton controller={controller} />
        <CancelButton controller={controller} />
      </div>
      <ResendBlockedNotice timing={timing} />

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
