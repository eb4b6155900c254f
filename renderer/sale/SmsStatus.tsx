import type { SaleRecord } from '../../shared/sale/sale-record.ts';
import { maskMobile } from '../../shared/spain/mobile.ts';
import { useI18n } from '../i18n/i18n.tsx';
import { formatDuration, secondsBetween } from './dates.ts';
import type { SaleController } from './useSale.ts';
import { useNow } from './useNow.ts';
import { WaitUntilNotice } from './WaitUntil.tsx';

// What the cashier needs while the shopper is on her phone, on the waiting screen and on "not approved yet"
// alike: where and when the SMS went, the time since, and a resend that respects our cooldown and SeQura's
// per-order limit.

/** Our own pause between resends, so an impatient double press does not burn SeQura's per-order limit. */
export const RESEND_COOLDOWN_SECONDS = 30;

export interface SmsTiming {
  elapsedSeconds: number | null;
  cooldownLeft: number;
  /** SeQura's SMS limit for this order holds until then (ISO), or null. */
  blockedUntil: string | null;
  /** SeQura asked the till to wait (a 429's Retry-After that is not the SMS limit) until then (ISO), or null. */
  waitUntil: string | null;
}

export function useSmsTiming(sale: SaleRecord): SmsTiming {
  const now = useNow(1000);
  const { sms } = sale;
  const elapsedSeconds = sms.lastSentAt ? secondsBetween(sms.lastSentAt, now) : null;
  const cooldownLeft = elapsedSeconds === null ? 0 : Math.max(0, RESEND_COOLDOWN_SECONDS - elapsedSeconds);
  const blockedUntil = sms.blockedUntil && new Date(sms.blockedUntil) > now ? sms.blockedUntil : null;
  const waitUntil = sale.waitUntil && new Date(sale.waitUntil) > now ? sale.waitUntil : null;
  return { elapsedSeconds, cooldownLeft, blockedUntil, waitUntil };
}

export function SmsBanner({ sale, timing }: { sale: SaleRecord; timing: SmsTiming }) {
  const { t, formatTime } = useI18n();
  const { sms } = sale;
  const mobile = maskMobile(sale.shopper.mobile);
  return (
    <>
      <div className="sms-banner" data-testid="sms-info">
        <p className="sms-sent">
          {sms.lastSentAt
            ? t('approval.smsSentAt', { mobile, time: formatTime(sms.lastSentAt) })
            : t('approval.smsSent', { mobile })}
        </p>
        {timing.elapsedSeconds !== null && (
          <p className="sms-elapsed">
            {t('approval.elapsed')}{' '}
            <span className="timer" data-testid="sms-elapsed">
              {formatDuration(timing.elapsedSeconds)}
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
    </>
  );
}

export function ResendButton({ controller, timing }: { controller: SaleController; timing: SmsTiming }) {
  const { t } = useI18n();
  const canResend = controller.busy === null && timing.cooldownLeft === 0 && !timing.blockedUntil && !timing.waitUntil;
  const label =
    controller.busy === 'resendSms'
      ? t('sale.working')
      : timing.cooldownLeft > 0
        ? t('approval.resendIn', { seconds: timing.cooldownLeft })
        : t('approval.resend');
  return (
    <button
      type="button"
      className="button secondary"
      onClick={() => void controller.resendSms()}
      disabled={!canResend}
      aria-describedby={timing.blockedUntil ? 'resend-blocked' : timing.waitUntil ? 'sale-wait-until' : undefined}
      data-testid="approval-resend"
    >
      {label}
    </button>
  );
}

export function ResendBlockedNotice({ timing }: { timing: SmsTiming }) {
  const { t, formatTime } = useI18n();
  if (!timing.blockedUntil) return <WaitUntilNotice until={timing.waitUntil} />;
  return (
    <p className="notice notice-warn" id="resend-blocked" data-testid="sms-blocked">
      {t('approval.resendBlocked', { time: formatTime(timing.blockedUntil) })}
    </p>
  );
}
