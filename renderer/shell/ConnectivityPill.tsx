import type { Connectivity } from '../../shared/ipc/status-schemas.ts';
import { useI18n } from '../i18n/i18n.tsx';

export function ConnectivityPill({ connectivity }: { connectivity: Connectivity }) {
  const { t, formatTime } = useI18n();
  const label =
    connectivity.state === 'online'
      ? t('conn.online')
      : connectivity.state === 'unknown'
        ? t('conn.unknown')
        : connectivity.state === 'not_used'
          ? t('conn.notUsed')
          : t(connectivity.state === 'offline' ? 'conn.offline' : 'conn.unreachable', {
              time: formatTime(connectivity.since),
            });
  return (
    <div className={`pill pill-${connectivity.state}`} data-testid="connectivity-pill" data-state={connectivity.state}>
      <span className="pill-dot" aria-hidden="true" />
      <span>{label}</span>
      {connectivity.pendingCount > 0 && (
        <span className="pill-pending" data-testid="pending-count">
          {t('conn.pending', {
            count: connectivity.pendingCount,
            time: formatTime(connectivity.oldestPendingAt),
          })}
        </span>
      )}
    </div>
  );
}
