import type { TillStatus } from '../../shared/ipc/status-schemas.ts';
import { useI18n } from '../i18n/i18n.tsx';

export function StatusScreen({ status, onCheckNow }: { status: TillStatus; onCheckNow: () => void }) {
  const { t, formatDateTime } = useI18n();
  const rows: Array<[string, string, string]> = [
    ['version', t('status.version'), status.appVersion],
    ['mode', t('status.mode'), status.mode === 'training' ? t('mode.training') : t('mode.live')],
    [
      'environment',
      t('status.environment'),
      `${t(`status.env.${status.environment.kind}`)} — ${status.environment.baseUrl}`,
    ],
    ['merchant', t('status.merchant'), status.merchantId],
    ['store', t('status.store'), status.storeRef],
    ['till', t('status.till'), status.tillId],
    [
      'last-checked',
      t('status.lastChecked'),
      status.connectivity.lastCheckedAt ? formatDateTime(status.connectivity.lastCheckedAt) : t('status.never'),
    ],
  ];
  return (
    <section className="panel" aria-labelledby="status-heading">
      <h1 id="status-heading">{t('status.heading')}</h1>
      <dl className="facts">
        {rows.map(([id, label, value]) => (
          <div key={id} className="fact" data-testid={`status-${id}`}>
            <dt>{label}</dt>
            <dd>{value}</dd>
          </div>
        ))}
      </dl>
      <div className="actions">
        <button type="button" className="button secondary" onClick={onCheckNow}>
          {t('status.checkNow')}
        </button>
      </div>
    </section>
  );
}
