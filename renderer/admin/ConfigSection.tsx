import { useState } from 'react';
import type { PosApi } from '../../shared/ipc/pos-api.ts';
import type { TillStatus } from '../../shared/ipc/status-schemas.ts';
import { useI18n } from '../i18n/i18n.tsx';

// The machine configuration as the till read it. Read-only on purpose: the file is store IT's, deployed to
// every till the same way; a value changed here would silently differ from the file.
export function ConfigSection({ pos, status }: { pos: PosApi; status: TillStatus }) {
  const { t } = useI18n();
  const [busy, setBusy] = useState(false);
  const config = status.config;
  if (!config) return null;
  const reload = async () => {
    setBusy(true);
    await pos.admin.reloadConfig({});
    setBusy(false);
  };
  return (
    <section className="admin-section" aria-labelledby="admin-config-heading" data-testid="admin-config">
      <h2 id="admin-config-heading">{t('admin.config.title')}</h2>
      <p className="field-hint">{t('admin.config.readOnly')}</p>
      {config.state === 'absent' ? (
        <p>
          {t('admin.config.absent')} <code>{config.path ?? '—'}</code>
        </p>
      ) : (
        <>
          <p>
            {t('admin.config.file')}: <code>{config.path}</code>
          </p>
          <table className="admin-table config-values" data-testid="admin-config-values">
            <thead>
              <tr>
                <th scope="col">{t('admin.config.key')}</th>
                <th scope="col">{t('admin.config.value')}</th>
              </tr>
            </thead>
            <tbody>
              {config.values.map((v) => (
                <tr key={v.key}>
                  <td>
                    <code>{v.key}</code>
                  </td>
                  <td>{v.value}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
      <div className="actions">
        <button type="button" className="button secondary" onClick={() => void reload()} disabled={busy}>
          {busy ? t('admin.working') : t('admin.config.reload')}
        </button>
      </div>
    </section>
  );
}
