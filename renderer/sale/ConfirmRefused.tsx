import type { ReactNode } from 'react';
import type { RefusalKind } from '../../shared/sale/sale-record.ts';
import { useI18n } from '../i18n/i18n.tsx';
import { ErrorNotice } from './ErrorNotice.tsx';
import { SequraReasons } from './SequraReasons.tsx';
import { CancelButton, RejectedButton, RestartButton } from './SaleActions.tsx';
import { ResendBlockedNotice, ResendButton, SmsBanner, useSmsTiming } from './SmsStatus.tsx';
import type { StepProps } from './step-props.ts';
import { StepFrame } from './StepFrame.tsx';

// SeQura answered 409 to the confirmation. Its reasons are shown verbatim (they are what SeQura support will
// ask about), with our reading of them and the action that most likely fixes it as the primary button.
// While the shopper may still be on her phone ("not approved yet", "under review") the screen keeps what the
// waiting screen had: the SMS, the time since it, resend and "change the purchase". Focus starts on the
// heading: every primary action here talks to SeQura or ends the sale.

export function ConfirmRefused({ sale, controller }: StepProps) {
  const { t, formatDateTime } = useI18n();
  const refusal = sale.confirmation.refusal;
  const kind: RefusalKind = refusal?.kind ?? 'unknown';
  const busy = controller.busy !== null;
  const timing = useSmsTiming(sale);
  const shopperStillOnPhone = kind === 'not_approved_yet' || kind === 'under_review';

  const checkAgain = (primary: boolean) => (
    <button
      type="button"
      className={primary ? 'button primary' : 'button secondary'}
      onClick={() => void controller.confirm()}
      disabled={busy}
      data-testid="refused-check-again"
    >
      {controller.busy === 'confirm' ? t('sale.working') : t('refused.checkAgain')}
    </button>
  );

  const offerAnotherMethod = (
    <button
      type="button"
      className="button primary"
      onClick={() => void controller.markRejected()}
      disabled={busy}
      data-testid="refused-other-method"
    >
      {controller.busy === 'markRejected' ? t('sale.working') : t('refused.otherMethod')}
    </button>
  );

  const actions: Record<RefusalKind, ReactNode> = {
    not_approved_yet: (
      <>
        {checkAgain(true)}
        <RejectedButton controller={controller} />
        <ResendButton controller={controller} timing={timing} />
        <RestartButton controller={controller} />
        <CancelButton controller={controller} />
      </>
    ),
    under_review: (
      <>
        {checkAgain(true)}
        <RestartButton controller={controller} />
        <CancelButton controller={controller} />
      </>
    ),
    rejected_or_expired: (
      <>
        {offerAnotherMethod}
        {checkAgain(false)}
        <RestartButton controller={controller} />
      </>
    ),
    cart_changed: (
      <>
        <RestartButton controller={controller} className="button primary" />
        <CancelButton controller={controller} />
      </>
    ),
    duplicate_reference: (
      <>
        {checkAgain(false)}
        <CancelButton controller={controller} className="button primary" />
      </>
    ),
    unknown: (
      <>
        {checkAgain(true)}
        <RejectedButton controller={controller} />
        <RestartButton controller={controller} />
        <CancelButton controller={controller} />
      </>
    ),
  };

  const bugReport = [
    t('refused.bugReportHeader'),
    `${t('slip.ticket')}: ${sale.ticketNumber ?? '—'}`,
    `${t('slip.orderUuid')}: ${sale.solicitation?.uuid ?? '—'}`,
    `${t('refused.saleId')}: ${sale.id}`,
    `${t('slip.store')}: ${sale.storeRef} · ${t('slip.till')}: ${sale.tillId}`,
    `${t('refused.when')}: ${refusal ? formatDateTime(refusal.at) : '—'}`,
    ...(refusal?.reasons ?? []).map((reason) => `SeQura: ${reason}`),
  ].join('\n');

  return (
    <StepFrame
      sale={sale}
      title={t(`refused.${kind}.title`)}
      tone={kind === 'not_approved_yet' || kind === 'under_review' ? 'warn' : 'danger'}
    >
      <p className="lead" data-testid="refused-info" data-kind={kind}>
        {t(`refused.${kind}.body`)}
      </p>
      {shopperStillOnPhone && <SmsBanner sale={sale} timing={timing} />}
      {refusal && <SequraReasons reasons={refusal.reasons} testId="refused-reasons" />}
      {kind === 'duplicate_reference' && (
        <div className="bug-report">
          <label htmlFor="refused-bug-report">{t('refused.bugReportLabel')}</label>
          <textarea
            id="refused-bug-report"
            readOnly
            value={bugReport}
            rows={bugReport.split('\n').length}
            data-testid="refused-bug-report"
          />
        </div>
      )}
      <ErrorNotice error={controller.error} />
      <div className="actions">{actions[kind]}</div>
      {kind === 'not_approved_yet' && <ResendBlockedNotice timing={timing} />}
    </StepFrame>
  );
}
