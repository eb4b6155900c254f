import { useI18n } from '../i18n/i18n.tsx';
import { useNow } from './useNow.ts';

/**
 * SeQura's Retry-After for this sale, while it has not passed: the till sends nothing of it before then (not
 * even on a press), so the screen says until when. Null once it has passed.
 */
export function useWaitUntil(waitUntil: string | null): string | null {
  const now = useNow(1000);
  return waitUntil && new Date(waitUntil) > now ? waitUntil : null;
}

export function WaitUntilNotice({ until }: { until: string | null }) {
  const { t, locale } = useI18n();
  if (!until) return null;
  // With seconds: SeQura's waits are often shorter than a minute.
  const time = new Intl.DateTimeFormat(locale, { hour: '2-digit', minute: '2-digit', second: '2-digit' });
  return (
    <p className="notice notice-warn" id="sale-wait-until" data-testid="sale-wait-until">
      {t('sale.waitUntil', { time: time.format(new Date(until)) })}
    </p>
  );
}
