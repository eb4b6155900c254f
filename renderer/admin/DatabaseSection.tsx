import { useState } from 'react';
import type { DatabaseCheck } from '../../shared/ipc/admin-schemas.ts';
import type { PosApi } from '../../shared/ipc/pos-api.ts';
import type { IpcError } from '../../shared/ipc/result.ts';
import { useI18n } from '../i18n/i18n.tsx';

// The till database's full integrity check (every start runs the quick one). It reads the whole database, so
// it is a manager's button here rather than something the till does by itself; the result is shown as is.
export function DatabaseSection({ pos }: { pos: PosApi }) {
  const { t, formatDateTime } = useI18n();
  const [busy, setBusy] = useState(false);
  const [check, setCheck] = useState<DatabaseCheck | null>(null);
  const [error, setError] = useState<IpcError | null>(null);

  const run = async () => {
    setBusy(true);
    setError(null);
    const result = await pos.admin.checkDatabase({});
    setBusy(false);
    if (result.ok) setCheck(result.data);
    else setError(result.error);
  };

  return (
    <section className="admin-section" aria-labelledby="admin-database-heading" data-testid="admin-database">
      <h2 id="admin-database-heading">{t('admin.database.title')}</h2>
      <p className="field-hint">{t('admin.database.body')}</p>
      <div className="actions">
        <button
          type="button"
          className="button secondary"
          onClick={() => void run()}
          disabled={busy}
          data-testid="admin-check-database"
        >
          {busy ? t('admin.working') : t('admin.database.check')}
        </button>
      </div>
      {check?.ok && (
        <p className="notice notice-ok" role="status" data-testid="admin-database-result" data-ok="true">
          {t('admin.database.ok', { at: formatDateTime(check.checkedAt), ms: check.durationMs })}
        </p>
      )}
      {check && !check.ok && (
        <div className="notice notice-warn" role="alert" data-testid="admin-database-result" data-ok="false">
          <p className="notice-title">{t('admin.database.failed', { at: formatDateTime(check.checkedAt) })}</p>
          <ul>
            {check.problems.map((problem, i) => (
              <li key={i}>{problem}</li>
            ))}
          </ul>
          <p>{t('admin.database.failedWhatToDo')}</p>
        </div>
      )}
      {error && (
        <p className="field-error" role="alert">
          {t(`ipcError.${error.code}`)}
        </p>
      )}
    </section>
  );
}
