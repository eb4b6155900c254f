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
  const { t, formatTime } = useI18n();
  if (!until) return null;
  return (
    <p className="notice notice-warn" id="sale-wait-until" data-testid="sale-wait-until">
      {t('sale.waitUntil', { time: formatTime(until) })}
    </p>
  );
}
