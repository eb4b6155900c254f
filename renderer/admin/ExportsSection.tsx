import { useState } from 'react';
import type { PosApi } from '../../shared/ipc/pos-api.ts';
import type { IpcError } from '../../shared/ipc/result.ts';
import { useI18n } from '../i18n/i18n.tsx';

// Audit log and diagnostics, each written by main to one file in the till's exports folder (the renderer
// never touches the disk); the path is shown so store IT can pick the file up.
export function ExportsSection({ pos }: { pos: PosApi }) {
  const { t } = useI18n();
  const [busy, setBusy] = useState<'audit' | 'diagnostics' | null>(null);
  const [saved, setSaved] = useState<{ audit?: string; diagnostics?: string }>({});
  const [error, setError] = useState<IpcError | null>(null);

  const run = async (kind: 'audit' | 'diagnostics') => {
    setBusy(kind);
    setError(null);
    const result = kind === 'audit' ? await pos.audit.export({}) : await pos.diagnostics.export({});
    setBusy(null);
    if (result.ok) setSaved((s) => ({ ...s, [kind]: result.data.path }));
    else setError(result.error);
  };

  return (
    <section className="admin-section" aria-labelledby="admin-exports-heading" data-testid="admin-exports">
      <h2 id="admin-exports-heading">{t('admin.exports.title')}</h2>
      <p className="field-hint">{t('admin.exports.body')}</p>
      <div className="actions">
        <button
          type="button"
          className="button secondary"
          onClick={() => void run('audit')}
          disabled={busy !== null}
          data-testid="admin-export-audit"
        >
          {busy === 'audit' ? t('admin.working') : t('admin.exports.audit')}
        </button>
        <button
          type="button"
          className="button secondary"
          onClick={() => void run('diagnostics')}
          disabled={busy !== null}
          data-testid="admin-export-diagnostics"
        >
          {busy === 'diagnostics' ? t('admin.working') : t('admin.exports.diagnostics')}
        </button>
      </div>
      {saved.audit && (
        <p className="notice notice-ok" role="status" data-testid="admin-export-audit-path">
          {t('admin.exports.saved', { path: saved.audit })}
        </p>
      )}
      {saved.diagnostics && (
        <p className="notice notice-ok" role="status" data-testid="admin-export-diagnostics-path">
          {t('admin.exports.saved', { path: saved.diagnostics })}
        </p>
      )}
      {error && (
        <p className="field-error" role="alert">
          {t('error.generic', { message: error.message })}
        </p>
      )}
    </section>
  );
}
